import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The disk sink: publishes the site into the output folder, writing only what changed.
///
/// - A first build (no output folder, or an empty one) writes every file into a staging folder beside the
///   output as the pages are rendered, and renames it into place on commit.
/// - A rebuild compares each rendered file with the published one while rendering, and keeps only those
///   whose bytes differ. On commit each of them is written to a temporary file in its own folder and
///   renamed over the published file, so a web server never serves half a file; files the site no longer
///   has are removed. An unchanged file is not touched (same inode, time and size).
///
/// The marker file records the files of the last commit. Before a rebuild writes anything it marks the
/// folder as being written; a build killed then (or whose write failed) leaves files each old or new,
/// and the next build finds the mark and removes everything the site does not have, temporary files
/// included. sitegen only ever writes into an empty folder or one with its marker.
public struct OutputWriter: SiteSink {
    /// Marks a folder as made by sitegen: only such a folder (or an empty one) is ever written into.
    public static let markerName = ".sitegen-output"
    /// Ends the names of files being written; a build that was stopped may leave them, the next removes them.
    static let temporarySuffix = ".sitegen-tmp"

    public let output: URL
    public let displayPath: String
    public let jobs: Int

    private let parent: URL
    private let staging: URL
    private let lockFile: URL
    /// Where the last successful build's `InputRecord` is kept, beside the lock.
    public let recordPath: String
    /// Where the parse phase's results are kept for the next build (`ParseStore`), beside the record.
    public let parseStorePath: String
    /// Where the last successful build's search entries are kept (`SearchEntryStore`), beside its record.
    public let searchStorePath: String

    public init(output: URL, displayPath: String, jobs: Int = 1) {
        self.output = output.standardizedFileURL
        self.displayPath = displayPath
        self.jobs = max(1, jobs)
        // Made once: each `appendingPathComponent` on a file URL asks the file system whether it names a folder.
        parent = self.output.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-staging", isDirectory: true)
        lockFile = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-lock", isDirectory: false)
        recordPath = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-inputs", isDirectory: false).path
        parseStorePath = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-parsed", isDirectory: false).path
        searchStorePath = parent.appendingPathComponent(".\(self.output.lastPathComponent).sitegen-search", isDirectory: false).path
        published = nil
    }

    /// The published folder this writer compares with; nil for a first build (see `prepared()`).
    private let published: PublishedFolder?

    private init(_ writer: OutputWriter, published: PublishedFolder?) {
        output = writer.output
        displayPath = writer.displayPath
        jobs = writer.jobs
        parent = writer.parent
        staging = writer.staging
        lockFile = writer.lockFile
        recordPath = writer.recordPath
        parseStorePath = writer.parseStorePath
        searchStorePath = writer.searchStorePath
        self.published = published
    }

    /// Why the output folder must not be written into, or nil if it may.
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
        return "refusing to write into \(displayPath): it is not empty and was not made by sitegen (no \(Self.markerName) file); choose an empty or new folder"
    }

    /// Holds an exclusive lock on the output for the duration of `body`: a second build of the same
    /// output waits for the first instead of interleaving with it.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        // Not through a link: one put in its place would have the lock made or opened anywhere.
        let descriptor = open(lockFile.path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == ELOOP {
                throw OutputError("the lock file \(lockFile.path) is a symbolic link; sitegen makes it itself: remove the link and build again")
            }
            throw OutputError("cannot create the lock file \(lockFile.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw OutputError("cannot lock \(lockFile.path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// The files of the last complete commit, the marker included; nil when there is none. Throws
    /// `OutputProblems` when the marker lists a path that is not a file inside the output folder.
    public func publishedPaths() throws -> [String]? {
        guard let folder = OpenFolder(output.path), let marker = try Marker.read(in: folder, displayPath: markerDisplayPath), marker.complete
        else { return nil }
        return marker.paths + [Self.markerName]
    }

    /// The marker as diagnostics name it.
    private var markerDisplayPath: String {
        (displayPath.hasSuffix("/") ? displayPath : displayPath + "/") + Self.markerName
    }

    /// The writer ready to stage files, under the lock: a rebuild when the output folder holds a site, a
    /// first build otherwise (its staging folder made anew).
    public func prepared() throws -> OutputWriter {
        // Left by a build that was stopped before its commit, or by an older sitegen's (which swapped whole folders).
        try FolderRemoval.remove(staging.path, jobs: jobs)
        try FolderRemoval.remove(parent.appendingPathComponent(".\(output.lastPathComponent).sitegen-old").path, jobs: jobs)
        if let folder = OpenFolder(output.path), faccessat(folder.descriptor, Self.markerName, F_OK, AT_SYMLINK_NOFOLLOW) == 0 {
            return OutputWriter(self, published: PublishedFolder(folder: folder, marker: try Marker.read(in: folder, displayPath: markerDisplayPath)))
        }
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        guard let stagingFolder = OpenFolder(staging.path) else {
            throw OutputError("cannot open \(staging.path): \(String(cString: strerror(errno)))")
        }
        return OutputWriter(self, published: PublishedFolder(folder: stagingFolder, marker: nil, isStaging: true))
    }

    // MARK: Staging

    public enum Staged: Sendable {
        /// Written into the staging folder already (a first build).
        case inStaging(path: String)
        /// The published file has these bytes already.
        case unchanged(path: String)
        /// To be written on commit.
        case changed(RenderedFile)

        var path: String {
            switch self {
            case .inStaging(let path), .unchanged(let path): path
            case .changed(let file): file.path
            }
        }
    }

    public func stage(_ file: RenderedFile) throws -> Staged {
        guard let published else { preconditionFailure("OutputWriter.stage before prepared()") }
        if published.isStaging {
            try Self.makeFolders(containing: file.path, in: published.folder)
            try file.bytes.withUnsafeBytes { try Self.writeBytes($0, to: file.path, in: published.folder, replacing: false) }
            return .inStaging(path: file.path)
        }
        return Self.holds(file.bytes, at: file.path, in: published.folder) ? .unchanged(path: file.path) : .changed(file)
    }

    /// Only a rebuild has published files; `PublishedPages` vouches that this one is as the last build made it.
    public func keep(_ path: String) -> Staged? {
        guard let published, !published.isStaging else { return nil }
        return .unchanged(path: path)
    }

    public func discard(_ staged: [Staged]) {
        if published?.isStaging == true { try? FolderRemoval.remove(staging.path, jobs: jobs) }
    }

    // MARK: Commit

    public func commit(_ staged: [Staged]) throws -> WriteSummary {
        guard let published else { preconditionFailure("OutputWriter.commit before prepared()") }
        let paths = staged.map(\.path)
        if published.isStaging {
            try Marker(complete: true, paths: paths).write(in: published.folder)
            try swapIn()
            return WriteSummary(written: staged.count)
        }
        let folder = published.folder
        let current = Set(paths)
        let changed = staged.compactMap { if case .changed(let file) = $0 { file } else { nil } }
        // What the site no longer has: by the record of the last commit, or by a look at every file when
        // there is none (a folder of an older sitegen) or the last commit did not finish.
        var stale: [String], staleFolders: [String] = []
        if let marker = published.marker, marker.complete {
            stale = marker.paths.filter { !current.contains($0) }
        } else {
            let below = try Self.entriesBelow(folder)
            stale = below.files.filter { !current.contains($0) && $0 != Self.markerName }
            // Folders no file of the site is in: a build stopped after making a folder leaves it empty.
            var needed = Set<String>()
            for path in paths {
                var above = Self.folder(of: path)
                while !above.isEmpty, needed.insert(above).inserted { above = Self.folder(of: above) }
            }
            staleFolders = below.folders.filter { !needed.contains($0) }
        }
        if changed.isEmpty && stale.isEmpty && staleFolders.isEmpty && published.marker?.complete == true {
            return WriteSummary(unchanged: staged.count, writtenPaths: [])
        }
        // Before anything changes: nothing is written or removed through a symbolic link in the output.
        try refuseLinks(on: changed.map(\.path) + stale + staleFolders, in: folder)
        // From here until the final record, the folder is marked as being written.
        try Marker(complete: false, paths: paths).write(in: folder)
        // Stale files first: a file may give way to a folder of the same name, or the other way round.
        for path in stale {
            try Self.removeFile(path, in: folder)
        }
        for path in staleFolders.sorted(by: { $0.utf8.count > $1.utf8.count }) {
            if case .folder(let parent) = try folder.folder(at: Self.folder(of: path)) {
                try FolderRemoval.remove(Self.name(of: path), in: parent)
            }
        }
        let failure = FirstError()
        _ = Parallel.map(changed, jobs: jobs) { file in
            do {
                switch try folder.folder(at: Self.folder(of: file.path), creating: true) {
                case .folder(let parent): try Self.replace(Self.name(of: file.path), with: file.bytes, in: parent)
                case .missing, .link, .notFolder:
                    throw OutputError("cannot create the folder of \(folder.path)/\(file.path): a part of it is not a folder")
                }
            } catch {
                failure.record(error)
            }
        }
        if let error = failure.error { throw error }
        try Marker(complete: true, paths: paths).write(in: folder)
        return WriteSummary(written: changed.count, unchanged: staged.count - changed.count, removed: stale.count,
                            writtenPaths: changed.map(\.path) + [Self.markerName])
    }

    /// Every symbolic link on the way to `paths` (files inside the output to be written or removed), as one
    /// error naming each: a link the site did not make, leading anywhere, is never written or removed through.
    /// Each folder on the way is looked at once, without following its last part: its parents are folders on
    /// the way too, so a link anywhere is the last part of one of them. (The writes then open each folder
    /// part by part without following a link, whatever happens in between.)
    private func refuseLinks(on paths: [String], in folder: OpenFolder) throws {
        var folders = Set<String>()
        for path in paths {
            var above = Self.folder(of: path)
            while !above.isEmpty, folders.insert(above).inserted { above = Self.folder(of: above) }
        }
        let found = Parallel.map(folders.sorted(), jobs: jobs) { path -> (String, String)? in
            var status = stat()
            guard fstatat(folder.descriptor, path, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFLNK else { return nil }
            return (path, OpenFolder.target(of: path, in: folder.descriptor))
        }
        let diagnostics = found.compactMap { $0 }.map { at, target in
            Diagnostic.error((displayPath.hasSuffix("/") ? displayPath : displayPath + "/") + at,
                             "a symbolic link (to \(target)) is where the site has a folder; sitegen never writes or removes files through a link in the output folder. Remove the link and build again; nothing was written")
        }
        if !diagnostics.isEmpty { throw OutputProblems(diagnostics: diagnostics) }
    }

    /// Writes `bytes` to a temporary file beside `name` in `folder` and puts it in place of `name` in one step,
    /// so a reader sees the old file or the new one; a symbolic link there is replaced, never followed.
    ///
    /// In place by an exchange (`FileExchange`) where the system has one, the old file then removed: ext4
    /// takes a rename over an existing file for an editor's save and writes the new file's blocks out at
    /// once (its `auto_da_alloc`), in the middle of rewriting every page after a template edit; an exchange
    /// is not taken for a save (BENCHMARKS.md). The cost of skipping it: after a power loss, a page written just before may
    /// be empty on disk, as with any program that writes without syncing. The next build sees it (its size is
    /// not the recorded one, and a published file is compared byte for byte before it is kept) and writes it
    /// again. Otherwise, or when there is no file to exchange with, a rename.
    static func replace(_ name: String, with bytes: [UInt8], in folder: OpenFolder, exchanging: Bool = FileExchange.isAvailable) throws {
        let temporary = temporaryName(for: name)
        do {
            try bytes.withUnsafeBytes { try writeBytes($0, to: temporary, in: folder) }
            if exchanging, FileExchange.exchange(temporary, name, in: folder.descriptor) {
                // The old file (or folder, or link) is now at the temporary name.
                if unlinkat(folder.descriptor, temporary, 0) != 0 {
                    guard errno == EISDIR else {
                        throw OutputError("cannot remove the old \(folder.path)/\(name): \(String(cString: strerror(errno)))")
                    }
                    // A folder where the file goes (left by a site that had a page there) is the site's no more.
                    try FolderRemoval.remove(temporary, in: folder)
                }
                return
            }
            // A folder where the file goes (left by a site that had a page there) is the site's no more.
            if renameat(folder.descriptor, temporary, folder.descriptor, name) != 0 {
                guard errno == EISDIR || errno == ENOTEMPTY else {
                    throw OutputError("cannot replace \(folder.path)/\(name): \(String(cString: strerror(errno)))")
                }
                try FolderRemoval.remove(name, in: folder)
                guard renameat(folder.descriptor, temporary, folder.descriptor, name) == 0 else {
                    throw OutputError("cannot replace \(folder.path)/\(name): \(String(cString: strerror(errno)))")
                }
            }
        } catch {
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
    }

    /// Writes `bytes` as the file `name` in `folder`, whole or not at all: under `temporaryName(for:)`, then
    /// renamed over it. For sitegen's own files beside the pages (the marker, the record).
    static func writeRenamed(_ bytes: [UInt8], to name: String, in folder: OpenFolder) throws {
        let temporary = temporaryName(for: name)
        do {
            try bytes.withUnsafeBytes { try writeBytes($0, to: temporary, in: folder) }
            guard renameat(folder.descriptor, temporary, folder.descriptor, name) == 0 else {
                throw OutputError("cannot write \(folder.path)/\(name): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
    }

    /// `a/b/index.html` → `a/b/.index.html.sitegen-tmp`: hidden, in the same folder, so the rename is atomic.
    static func temporaryName(for path: String) -> String {
        let folder = Self.folder(of: path)
        let name = folder.isEmpty ? path : String(path.utf8.dropFirst(folder.utf8.count + 1))!
        return (folder.isEmpty ? "" : folder + "/") + "." + name + temporarySuffix
    }

    /// Removes a file the site no longer has (a link: the link itself), then each folder above it that this
    /// leaves empty, each relative to its own folder opened without following a link.
    private static func removeFile(_ path: String, in folder: OpenFolder) throws {
        guard case .folder(let parent) = try folder.folder(at: Self.folder(of: path)) else { return }  // not there
        let name = Self.name(of: path)
        if unlinkat(parent.descriptor, name, 0) != 0 {
            switch errno {
            case ENOENT: break
            case EISDIR: try FolderRemoval.remove(name, in: parent)
            default: throw OutputError("cannot remove \(folder.path)/\(path): \(String(cString: strerror(errno)))")
            }
        }
        var above = Self.folder(of: path)
        while !above.isEmpty, case .folder(let parent) = try folder.folder(at: Self.folder(of: above)),
              unlinkat(parent.descriptor, Self.name(of: above), AT_REMOVEDIR) == 0 {
            above = Self.folder(of: above)
        }
    }

    /// Every file and folder below `folder`, as paths inside it, following no link.
    static func entriesBelow(_ folder: OpenFolder) throws -> (files: [String], folders: [String]) {
        var files: [String] = [], folders: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let descriptor = relative.isEmpty ? dup(folder.descriptor)
                : openat(folder.descriptor, relative, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0, let directory = fdopendir(descriptor) else {
                throw OutputError("cannot list \(folder.path)/\(relative): \(String(cString: strerror(errno)))")
            }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == DT_UNKNOWN {
                    var status = stat()
                    guard fstatat(folder.descriptor, path, &status, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                    type = Int32(status.st_mode & S_IFMT == S_IFDIR ? DT_DIR : DT_REG)
                }
                if type == DT_DIR {
                    pending.append(path)
                    folders.append(path)
                } else {
                    files.append(path)
                }
            }
        }
        return (files, folders)
    }

    /// The folder part of a path inside the output (`a/b/index.html` → `a/b`, `robots.txt` → ``).
    static func folder(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    /// The last part of a path inside the output (`a/b/index.html` → `index.html`).
    static func name(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// Makes the folders of `path` that do not exist yet, parents first. A plain mkdir: Foundation's
    /// createDirectory checks every level again. A folder that exists already is fine: files share them.
    static func makeFolders(containing path: String, in folder: OpenFolder) throws {
        let target = Self.folder(of: path)
        guard !target.isEmpty else { return }
        if mkdirat(folder.descriptor, target, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw OutputError("cannot create \(folder.path)/\(target): \(String(cString: strerror(errno)))") }
        try makeFolders(containing: target, in: folder)
        if mkdirat(folder.descriptor, target, 0o755) != 0, errno != EEXIST {
            throw OutputError("cannot create \(folder.path)/\(target): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether the file at `path` in `folder` holds exactly `bytes`.
    private static func holds(_ bytes: [UInt8], at path: String, in folder: OpenFolder) -> Bool {
        // A link is not the file: it is replaced on commit.
        let descriptor = openat(folder.descriptor, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        // A file of another size differs: it is not read.
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == bytes.count else { return false }
        return bytes.withUnsafeBytes { expected in
            guard let expectedBase = expected.baseAddress else { return true }  // both empty
            return withUnsafeTemporaryAllocation(byteCount: bytes.count, alignment: 1) { buffer in
                ContentLoader.read(descriptor, into: buffer) == bytes.count && memcmp(buffer.baseAddress!, expectedBase, bytes.count) == 0
            }
        }
    }

    /// A plain write: Foundation's `Data.write` syncs each file to disk. Each file is written under a
    /// name nobody serves and renamed when complete, so no reader sees half a file.
    ///
    /// The file is always made new (`O_EXCL`, `O_NOFOLLOW`): whatever was at its name, a temporary file left
    /// by a stopped build or a symbolic link someone put there to have the site written elsewhere, is removed
    /// first (with `replacing`; a first build's staging folder is new and empty), never opened.
    static func writeBytes(_ buffer: UnsafeRawBufferPointer, to relative: String, in folder: OpenFolder, replacing: Bool = true) throws {
        var path: String { folder.path + "/" + relative }
        func create() -> Int32 { openat(folder.descriptor, relative, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644) }
        var descriptor = create()
        // Something is there (nearly never: a stopped build's temporary file, or the old folder an exchange
        // put there when a build was stopped before removing it): removed, never opened, then made anew.
        if descriptor < 0, errno == EEXIST, replacing {
            if unlinkat(folder.descriptor, relative, 0) != 0 {
                if errno == EISDIR, !relative.contains("/") {
                    try FolderRemoval.remove(relative, in: folder)
                } else if errno != ENOENT {
                    throw OutputError("cannot remove \(path) to write it anew: \(String(cString: strerror(errno)))")
                }
            }
            descriptor = create()
        }
        guard descriptor >= 0 else { throw OutputError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try writeAll(buffer, to: descriptor, path: path)
    }

    /// Writes all of `buffer` to `descriptor`, however many calls that takes; `path` names the file in the error.
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32, path: @autoclosure () -> String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError("cannot write \(path()): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// A first build's staging folder becomes the output folder (an empty one is replaced).
    private func swapIn() throws {
        if rmdir(output.path) != 0, errno != ENOENT {
            throw OutputError("cannot replace \(output.path): \(String(cString: strerror(errno)))")
        }
        guard rename(staging.path, output.path) == 0 else {
            throw OutputError("cannot move \(staging.path) to \(output.path): \(String(cString: strerror(errno)))")
        }
    }
}

/// The folder a writer compares with and writes into, and what its marker says.
private struct PublishedFolder: Sendable {
    let folder: OpenFolder
    let marker: Marker?
    var isStaging = false
}

/// The marker file's record: whether the last commit finished, and the files it published. A marker of
/// an older sitegen (empty) or one that cannot be read counts as unfinished.
struct Marker: Sendable, Equatable {
    static let header = "sitegen output folder: do not edit; sitegen removes files it did not make here"

    var complete: Bool
    var paths: [String]

    /// The marker of `folder`; nil when there is none or it cannot be read. Throws `OutputProblems`, one
    /// diagnostic a line, when it lists a path that is not a file inside the folder: it is data from the disk,
    /// committed with the site and open to anyone's edits, and a build removes what it lists.
    static func read(in folder: OpenFolder, displayPath: String) throws -> Marker? {
        var status = stat()
        if fstatat(folder.descriptor, OutputWriter.markerName, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFLNK {
            throw OutputProblems(diagnostics: [.error(displayPath, "is a symbolic link (to \(OpenFolder.target(of: OutputWriter.markerName, in: folder.descriptor))); sitegen's marker is a file it writes itself, never a link. Remove the link and build again")])
        }
        guard let bytes = ContentLoader.readBytes(OutputWriter.markerName, in: folder.descriptor, followingLink: false) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // A marker of this version with a line that is not text: that line is named, as any other bad line.
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.first?.elementsEqual(header.utf8) == true,
                  let bad = lines.firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) else { return nil }
            throw OutputProblems(diagnostics: [.error(displayPath, line: bad + 1, column: 1,
                                                      "this line holds bytes that are not UTF-8 text; sitegen never lists such a path. Remove this line (or the whole output folder) and build again")])
        }
        // Split on bytes: splitting a String splits its Characters, far slower over a line per published file.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Substring.init)
        guard lines.count >= 3, lines[0] == header, lines.last == "" else { return nil }
        lines.removeLast()
        let complete: Bool
        switch lines[1] {
        case "state: complete": complete = true
        case "state: writing": complete = false
        default: return nil
        }
        let paths = lines.dropFirst(2)
        var diagnostics: [Diagnostic] = []
        for (index, path) in paths.enumerated() {
            guard let problem = problem(with: path) else { continue }
            diagnostics.append(.error(displayPath, line: index + 3, column: 1,
                                      "`\(path)` \(problem); sitegen never lists such a path, and removes nothing outside the output folder. Remove this line (or the whole output folder) and build again"))
        }
        if !diagnostics.isEmpty { throw OutputProblems(diagnostics: diagnostics) }
        return Marker(complete: complete, paths: paths.map(String.init))
    }

    /// Why `path` cannot be a file of the site inside the output folder, or nil if it can: a relative path of
    /// named parts, none of them `.` or `..`, without control characters.
    static func problem(with path: Substring) -> String? {
        if path.isEmpty { return "is an empty line, not a path" }
        if path.utf8.first == UInt8(ascii: "/") { return "is an absolute path" }
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "holds a control character" }
        // Linux's limits (PATH_MAX, NAME_MAX): also what keeps the work on one line's folders bounded.
        if path.utf8.count >= 4096 { return "is longer than any path the file system takes" }
        for part in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if part.isEmpty { return "has an empty part (`//` or a `/` at its end)" }
            if part.count > 255 { return "has a part longer than a file name can be" }
            if part.elementsEqual("..".utf8) { return "leads out of the output folder (`..`)" }
            if part.elementsEqual(".".utf8) { return "has a `.` part" }
        }
        return nil
    }

    /// Replaces the marker atomically.
    func write(in folder: OpenFolder) throws {
        var text = Self.header + "\n" + (complete ? "state: complete" : "state: writing") + "\n"
        for path in paths { text += path + "\n" }
        try OutputWriter.writeRenamed(Array(text.utf8), to: OutputWriter.markerName, in: folder)
    }
}

/// Problems with the output folder found before anything was written, each a diagnostic.
public struct OutputProblems: Error, Sendable {
    public var diagnostics: [Diagnostic]
}

/// Links in rendered pages that lead nowhere; nothing is written.
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

/// `renameat2(…, RENAME_EXCHANGE)`: two names of a folder swapped in one step. Linux has had it since 3.15
/// and glibc since 2.28, but Swift's Glibc module does not declare it, so it is looked up in the C library
/// loaded; where it is missing, or the file system says no, `OutputWriter.replace` renames instead (tested
/// both ways).
enum FileExchange {
    private typealias Call = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// `RENAME_EXCHANGE` in <linux/fs.h>.
    private static let renameExchange: UInt32 = 1 << 1
    private static let call: Call? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2").map { unsafeBitCast($0, to: Call.self) }

    static var isAvailable: Bool { call != nil }

    /// Swaps `first` and `second` in the folder `descriptor`; false when they were not swapped (`second` is
    /// missing, the file system cannot, or there is no such call), and nothing changed.
    static func exchange(_ first: String, _ second: String, in descriptor: Int32) -> Bool {
        guard let call else { return false }
        return call(descriptor, first, descriptor, second, renameExchange) == 0
    }
}
