#if canImport(Glibc)
import Glibc
#endif

/// An open folder, so that files inside it are opened without walking the whole path each time.
final class OpenFolder: Sendable {
    let descriptor: Int32
    let path: String

    /// nil, with `errno` set, if `path` is not a folder that can be opened; with `followingLink` false,
    /// also if it is a symbolic link.
    init?(_ path: String, followingLink: Bool = true) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followingLink ? 0 : O_NOFOLLOW))
        // Before any property is set, so that no deinit runs and `errno` still says why.
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }
}
