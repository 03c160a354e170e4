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

    /// Takes over an open folder's descriptor.
    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// What was found on the way to a folder inside this one.
    enum Inside {
        case folder(OpenFolder)
        /// A part of the path does not exist (and was not to be made).
        case missing
        /// A part of the path (`at`, inside this folder) is a symbolic link, leading to `target`.
        case link(at: String, target: String)
        /// A part of the path (`at`) is a file, not a folder.
        case notFolder(at: String)
    }

    /// The folder at `relative` (parts separated by `/`, no `.` or `..`; empty for this folder itself),
    /// opened part by part without following a symbolic link, so that nothing reached through it is outside
    /// this folder whatever the disk holds; with `creating`, the parts that do not exist are made.
    ///
    /// The output folder's files are all written and removed through this: a path opened whole by `openat`
    /// follows a link anywhere on its way, and a link to another folder put into the output would then have
    /// the site written, or its stale files removed, there.
    func folder(at relative: String, creating: Bool = false) throws -> Inside {
        var current = self
        var walked = ""
        for part in relative.utf8.split(separator: UInt8(ascii: "/")) {
            let name = String(Substring(part))
            walked = walked.isEmpty ? name : walked + "/" + name
            if creating, mkdirat(current.descriptor, name, 0o755) != 0, errno != EEXIST {
                throw OutputError("cannot create \(path)/\(walked): \(String(cString: strerror(errno)))")
            }
            let descriptor = openat(current.descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if descriptor < 0 {
                let failure = errno
                var status = stat()
                guard fstatat(current.descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                    if failure == ENOENT { return .missing }
                    throw OutputError("cannot open \(path)/\(walked): \(String(cString: strerror(failure)))")
                }
                if status.st_mode & S_IFMT == S_IFLNK {
                    return .link(at: walked, target: Self.target(of: name, in: current.descriptor))
                }
                if status.st_mode & S_IFMT != S_IFDIR { return .notFolder(at: walked) }
                throw OutputError("cannot open \(path)/\(walked): \(String(cString: strerror(failure)))")
            }
            current = OpenFolder(descriptor: descriptor, path: path + "/" + walked)
        }
        return .folder(current)
    }

    /// Where the symbolic link `name` in `folder` leads, as it is written (never read through).
    static func target(of name: String, in folder: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(folder, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return "?" }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
