import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The write phase: the whole site goes to a staging folder beside the output folder, which is
/// swapped in only when every file was written. A failed build leaves the output folder as it was.
public struct OutputWriter: Sendable {
    /// Marks a folder as made by sitegen: only such a folder (or an empty one) is ever replaced.
    public static let markerName = ".sitegen-output"

    public let output: URL
    public let displayPath: String

    private let parent: URL
    private let staging: URL
    private let retired: URL
    private let lockFile: URL

    public init(output: URL, displayPath: String) {
        self.output = output.standardizedFileURL
        self.displayPath = displayPath
        // Made once: each `appendingPathComponent` on a file URL asks the file system whether it names a folder.
        parent = self.output.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-staging", isDirectory: true)
        retired = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-old", isDirectory: true)
        lockFile = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-lock", isDirectory: false)
    }

    /// Why the output folder must not be replaced, or nil if it may.
    public func refusal(protecting protected: [URL]) -> String? {
        let path = output.resolvingSymlinksInPath().path
        if path == "/" { return "refusing to write the site to /" }
        for folder in protected {
            let other = folder.standardizedFileURL.resolvingSymlinksInPath().path
            if path == other || other.hasPrefix(path + "/") || path.hasPrefix(other + "/") {
                return "refusing to use \(displayPath) as the output folder: it overlaps \(folder.path), which sitegen reads"
            }
        }
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return "\(displayPath) exists and is not a folder; remove it or choose another --output" }
        let entries = (try? fileManager.contentsOfDirectory(atPath: path)) ?? []
        if entries.isEmpty || entries.contains(Self.markerName) { return nil }
        return "refusing to replace \(displayPath): it is not empty and was not made by sitegen (no \(Self.markerName) file); choose an empty or new folder"
    }

    /// Holds an exclusive lock on the output for the duration of `body`: a second build of the same
    /// output waits for the first instead of interleaving with it.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let descriptor = open(lockFile.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError("cannot create the lock file \(lockFile.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw OutputError("cannot lock \(lockFile.path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Writes `files` and swaps them in. Files whose bytes did not change keep their modification
    /// time, so deploy tools that compare times send only what changed.
    public func write(_ files: [OutputFile], jobs: Int) throws {
        // Left by a build that was interrupted.
        try FolderRemoval.remove(staging.path, jobs: jobs)
        try FolderRemoval.remove(retired.path, jobs: jobs)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            // Files and folders are made relative to the open staging folder: no walk of its whole path.
            guard let stagingFolder = OpenFolder(staging.path) else {
                throw OutputError("cannot open \(staging.path): \(String(cString: strerror(errno)))")
            }
            // Folders that hold other folders are made first, parents before children; every other
            // folder (one per page) is made by the thread that writes into it.
            var parents = Set<String>()
            for file in files {
                var folder = Self.folder(of: file.path)
                while !folder.isEmpty, case let parent = Self.folder(of: folder), !parent.isEmpty, parents.insert(parent).inserted {
                    folder = parent
                }
            }
            for folder in parents.sorted() {
                try Self.makeFolder(folder, in: stagingFolder)
            }
            let madeFirst = parents
            let failure = FirstError()
            // Only a published site has times worth carrying over; a first build skips the comparison.
            let published = OpenFolder(output.path)
            // Each page's links are checked by the thread that wrote it; only broken ones come back. A link
            // may name a page's folder (`history/`, `` for the root) or its file.
            var linkable = Set(files.map(\.path))
            for file in files where file.path == "index.html" || file.path.utf8.suffix(11).elementsEqual("/index.html".utf8) {
                linkable.insert(String(file.path.utf8.dropLast(10))!)
            }
            let brokenLinks = Parallel.map(files, jobs: jobs) { [linkable] file -> [String] in
                do {
                    let folder = Self.folder(of: file.path)
                    if !folder.isEmpty, !madeFirst.contains(folder) { try Self.makeFolder(folder, in: stagingFolder) }
                    let targets = try writeFile(file, into: stagingFolder, published: published)
                    return targets.filter { !linkable.contains($0) }
                } catch {
                    failure.record(error)
                    return []
                }
            }
            if let error = failure.error { throw error }
            try reportBrokenLinks(files: files, brokenLinks: brokenLinks)
            try Data().write(to: staging.appendingPathComponent(Self.markerName))
            try swapIn(jobs: jobs)
        } catch {
            try? FolderRemoval.remove(staging.path, jobs: jobs)
            throw error
        }
    }

    /// The folder part of a path inside the output (`a/b/index.html` → `a/b`, `robots.txt` → ``).
    static func folder(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    /// A plain mkdir: Foundation's createDirectory checks every level again. A folder that exists
    /// already is fine: two files may share it.
    private static func makeFolder(_ folder: String, in staging: OpenFolder) throws {
        if mkdirat(staging.descriptor, folder, 0o755) != 0, errno != EEXIST {
            throw OutputError("cannot create \(staging.path)/\(folder): \(String(cString: strerror(errno)))")
        }
    }

    /// Fails with every relative link of a page that leads to no file of the site.
    private func reportBrokenLinks(files: [OutputFile], brokenLinks: [[String]]) throws {
        // A template's broken link is on every page it renders: one message per target, naming the first page.
        var pagesByTarget: [String: [String]] = [:]
        for (file, targets) in zip(files, brokenLinks) where !targets.isEmpty {
            for target in Set(targets) {
                pagesByTarget[target, default: []].append(file.origin ?? (displayPath + "/" + file.path))
            }
        }
        var broken: [Diagnostic] = []
        for (target, pages) in pagesByTarget {
            let sorted = pages.sorted()
            let others = sorted.count > 1 ? " (as do \(sorted.count - 1) other pages)" : ""
            broken.append(.error(sorted[0], "the page links to \(target.isEmpty ? "the home page" : target), which the site does not have\(others); check the templates' links"))
        }
        if !broken.isEmpty { throw BrokenLinks(diagnostics: broken) }
    }

    /// Writes one file; for an HTML page, returns the site paths its relative links lead to.
    private func writeFile(_ file: OutputFile, into folder: OpenFolder, published: OpenFolder?) throws -> [String] {
        switch file.contents {
        case .text(var text):
            return try text.withUTF8 { try place($0, of: file, in: folder, published: published) }
        case .rendered(let render):
            var text = render()
            return try text.withUTF8 { try place($0, of: file, in: folder, published: published) }
        case .copy(let source):
            guard let bytes = ContentLoader.readBytes(source) else { throw OutputError("cannot read \(source)") }
            return try bytes.withUnsafeBufferPointer { try place($0, of: file, in: folder, published: published) }
        }
    }

    private func place(_ bytes: UnsafeBufferPointer<UInt8>, of file: OutputFile, in folder: OpenFolder, published: OpenFolder?) throws -> [String] {
        try Self.writeBytes(UnsafeRawBufferPointer(bytes), to: file.path, in: folder)
        // Same bytes as the published file: carry its time over, to the nanosecond.
        if let published, var times = Self.times(of: file.path, in: published, ifItHolds: bytes),
           utimensat(folder.descriptor, file.path, &times, 0) != 0 {
            throw OutputError("cannot set the time of \(folder.path)/\(file.path): \(String(cString: strerror(errno)))")
        }
        guard file.path.hasSuffix(".html") else { return [] }
        return LinkAudit.relativeTargets(in: bytes, pagePath: file.path)
    }

    /// The access and modification times of the file at `path` in `folder` if it holds exactly `bytes`.
    private static func times(of path: String, in folder: OpenFolder, ifItHolds bytes: UnsafeBufferPointer<UInt8>) -> [timespec]? {
        let descriptor = openat(folder.descriptor, path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        // A file of another size differs: it is not read.
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == bytes.count else { return nil }
        guard let expected = bytes.baseAddress else { return [status.st_atim, status.st_mtim] }  // both empty
        let same = withUnsafeTemporaryAllocation(byteCount: bytes.count, alignment: 1) { buffer in
            ContentLoader.read(descriptor, into: buffer) == bytes.count && memcmp(buffer.baseAddress!, expected, bytes.count) == 0
        }
        return same ? [status.st_atim, status.st_mtim] : nil
    }

    /// A plain write: Foundation's `Data.write` syncs each file to disk, which made writing the
    /// slowest phase; the staging folder is swapped in whole, so a crash never leaves half a site.
    static func writeBytes(_ buffer: UnsafeRawBufferPointer, to relative: String, in folder: OpenFolder) throws {
        let descriptor = openat(folder.descriptor, relative, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        var path: String { folder.path + "/" + relative }
        guard descriptor >= 0 else { throw OutputError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private func swapIn(jobs: Int) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: output.path) {
            try fileManager.moveItem(at: output, to: retired)
            do {
                try fileManager.moveItem(at: staging, to: output)
            } catch {
                try? fileManager.moveItem(at: retired, to: output)
                throw error
            }
            try? FolderRemoval.remove(retired.path, jobs: jobs)
        } else {
            try fileManager.moveItem(at: staging, to: output)
        }
    }
}

/// Links in written pages that lead nowhere; the site is not swapped in.
public struct BrokenLinks: Error, Sendable {
    public var diagnostics: [Diagnostic]
}

public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The first error of concurrent work.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    func record(_ error: Error) { lock.withLock { if stored == nil { stored = error } } }
    var error: Error? { lock.withLock { stored } }
}
