#if canImport(Glibc)
import Glibc
#endif

/// An open folder, so that files inside it are opened without walking the whole path each time.
final class OpenFolder: Sendable {
    let descriptor: Int32
    let path: String

    init?(_ path: String) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor < 0 { return nil }
    }

    deinit { close(descriptor) }
}
