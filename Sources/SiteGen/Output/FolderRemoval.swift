#if canImport(Glibc)
import Glibc
#endif

/// Removes a folder and everything in it, as `rm -rf` does, for the writer's staging and retired folders.
///
/// Foundation's `removeItem` asks for the status of every entry and works on one thread: for a large
/// site that took longer than writing the new one.
/// Here entries are removed by name relative to their open folder, their kind comes from the folder's
/// listing, and the top level's entries (a site's page folders) are spread over the threads.
enum FolderRemoval {
    private struct Entry: Sendable {
        var name: String
        var isFolder: Bool
    }

    /// Removes `path`; a path that does not exist is already removed. Symbolic links are removed, never followed.
    static func remove(_ path: String, jobs: Int) throws {
        guard let root = OpenFolder(path, followingLink: false) else {
            switch errno {
            case ENOENT: return
            case ENOTDIR, ELOOP: return try check(unlink(path), "remove", path)
            default: throw OutputError("cannot open \(path) to remove it: \(String(cString: strerror(errno)))")
            }
        }
        let failure = FirstError()
        _ = Parallel.map(try entries(of: root.descriptor, path: path), jobs: jobs) { entry in
            do { try remove(entry, in: root.descriptor, path: path) } catch { failure.record(error) }
        }
        if let error = failure.error { throw error }
        try check(rmdir(path), "remove", path)
    }

    /// Removes the entry `name` of `folder` (a file, a link or a folder with everything in it), relative to
    /// the open folder, so that no link on the way is followed; an entry that does not exist is removed already.
    static func remove(_ name: String, in folder: OpenFolder) throws {
        var status = stat()
        guard fstatat(folder.descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }
            throw OutputError("cannot examine \(folder.path)/\(name): \(String(cString: strerror(errno)))")
        }
        try remove(Entry(name: name, isFolder: status.st_mode & S_IFMT == S_IFDIR), in: folder.descriptor, path: folder.path)
    }

    private static func remove(_ entry: Entry, in folder: Int32, path: String) throws {
        let entryPath = path + "/" + entry.name
        if entry.isFolder {
            let descriptor = openat(folder, entry.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            try check(descriptor, "open", entryPath)
            defer { close(descriptor) }
            for child in try entries(of: descriptor, path: entryPath) {
                try remove(child, in: descriptor, path: entryPath)
            }
        }
        try check(unlinkat(folder, entry.name, entry.isFolder ? AT_REMOVEDIR : 0), "remove", entryPath)
    }

    /// The entries of an open folder, without `.` and `..`; the descriptor stays open.
    private static func entries(of folder: Int32, path: String) throws -> [Entry] {
        let listed = dup(folder)
        try check(listed, "list", path)
        guard let directory = fdopendir(listed) else {
            close(listed)
            throw OutputError("cannot list \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var found: [Entry] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var isFolder = Int32(entry.pointee.d_type) == DT_DIR
            if Int32(entry.pointee.d_type) == DT_UNKNOWN {
                // Some file systems do not say in the listing.
                var status = stat()
                try check(fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW), "examine", path + "/" + name)
                isFolder = status.st_mode & S_IFMT == S_IFDIR
            }
            found.append(Entry(name: name, isFolder: isFolder))
        }
        return found
    }

    private static func check(_ result: Int32, _ action: String, _ path: String) throws {
        if result < 0 { throw OutputError("cannot \(action) \(path): \(String(cString: strerror(errno)))") }
    }
}
