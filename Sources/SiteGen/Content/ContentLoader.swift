import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The load phase: reads `content/` into source files, reporting every file it cannot use.
public struct ContentLoader: Sendable {
    /// Above this a file still builds, with a warning: it is probably not meant to be a page.
    public static let largeFileBytes = 5 * 1024 * 1024

    public let contentDirectory: URL
    /// How paths are shown in diagnostics (the `--content` argument as given).
    public let displayRoot: String

    /// The content folder, open: files are opened relative to it, not by walking their whole path.
    private let folder: OpenFolder?

    public init(contentDirectory: URL, displayRoot: String) {
        self.contentDirectory = contentDirectory.standardizedFileURL
        self.displayRoot = displayRoot
        folder = OpenFolder(self.contentDirectory.path)
    }

    public struct Loaded: Sendable {
        /// The site settings, read and decoded.
        public var settings: SourceFile?
        /// Markdown files by path inside content/, sorted; each is read by `read(_:)` when it is parsed,
        /// so the text of the whole site is never in memory at once.
        public var pages: [String]
        /// Other files, copied to the output as they are: (path inside content/, absolute file URL).
        public var staticFiles: [(path: String, url: URL)]
    }

    public func displayPath(_ relative: String) -> String {
        displayRoot.isEmpty || displayRoot == "." ? relative : (displayRoot.hasSuffix("/") ? displayRoot + relative : displayRoot + "/" + relative)
    }

    public func load(into diagnostics: inout DiagnosticList) -> Loaded {
        var loaded = Loaded(settings: nil, pages: [], staticFiles: [])
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contentDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(.error(displayRoot, "content folder not found; run sitegen in the site's folder or pass --content DIR"))
            return loaded
        }
        var textFiles: [String] = []
        for relative in listFiles(diagnostics: &diagnostics) {
            if let problem = PathSafety.problem(in: relative) ?? PathSafety.urlProblem(in: relative) {
                diagnostics.append(.error(displayPath(relative), problem))
            } else if relative.utf8.suffix(3).elementsEqual(".md".utf8) || relative == SiteConfig.fileName {
                textFiles.append(relative)
            } else {
                // A link (checked when listed) is copied from its real path, opened without following a link.
                var status = stat()
                let isLink = lstat(contentDirectory.path + "/" + relative, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
                if isLink, case .success(let real) = checkedLink(relative) {
                    loaded.staticFiles.append((relative, URL(fileURLWithPath: real)))
                } else if !isLink {
                    loaded.staticFiles.append((relative, contentDirectory.appendingPathComponent(relative)))
                }
            }
        }
        loaded.pages = textFiles.filter { $0 != SiteConfig.fileName }
        if textFiles.contains(SiteConfig.fileName) {
            let (settings, found) = read(SiteConfig.fileName)
            diagnostics.append(contentsOf: found)
            loaded.settings = settings
        }
        return loaded
    }

    /// Reads and decodes one text file of the content folder.
    public func read(_ relative: String) -> (SourceFile?, [Diagnostic]) {
        var found = DiagnosticList()
        let shown = displayPath(relative)
        var status = stat()
        let bytes: [UInt8]?
        if let folder, fstatat(folder.descriptor, relative, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFLNK {
            // A link: checked again now (it may have changed since the folder was listed), then read by its real
            // path, which the check found inside the content folder.
            switch checkedLink(relative) {
            case .failure(let problem): return (nil, [.error(shown, shown + " " + problem.text)])
            case .success(let real): bytes = Self.readBytes(real, followingLink: false)
            }
        } else {
            bytes = folder.map { Self.readBytes(relative, in: $0.descriptor, followingLink: false) }
                ?? Self.readBytes(contentDirectory.path + "/" + relative, followingLink: false)
        }
        guard let bytes else {
            return (nil, [.error(shown, "file cannot be read; check its permissions")])
        }
        let source = decode(bytes, path: relative, shown: shown, diagnostics: &found)
        return (source, found.items)
    }

    /// Every file below the content folder, relative, sorted; hidden files are editors' litter.
    /// A symbolic link is followed only when it leads to a file inside the folder; any other entry that is
    /// not a plain file or folder is reported, by what it is, and never opened.
    private func listFiles(diagnostics: inout DiagnosticList) -> [String] {
        var files: [String] = []
        var pending = [""]
        let rootReal = contentDirectory.resolvingSymlinksInPath().path
        while let folder = pending.popLast() {
            // Plain strings: appending to a file URL asks the file system whether the result is a folder.
            let folderPath = folder.isEmpty ? contentDirectory.path : contentDirectory.path + "/" + folder
            guard let entries = Self.entries(of: folderPath) else {
                diagnostics.append(.error(displayPath(folder.isEmpty ? "." : folder), "folder cannot be read; check its permissions"))
                continue
            }
            for (name, type) in entries where !name.hasPrefix(".") {
                let relative = folder.isEmpty ? name : folder + "/" + name
                // The folder listing says what most entries are; only links and the unknown need a stat.
                if type == DT_REG {
                    files.append(relative)
                    continue
                }
                if type == DT_DIR {
                    pending.append(relative)
                    continue
                }
                let path = folderPath + "/" + name
                var status = stat()
                guard lstat(path, &status) == 0 else {
                    files.append(relative)  // reading it will report the problem
                    continue
                }
                switch status.st_mode & S_IFMT {
                case S_IFLNK:
                    if let problem = linkProblem(path, folderReal: rootReal + (folder.isEmpty ? "" : "/" + folder), rootReal: rootReal) {
                        diagnostics.append(.error(displayPath(relative), displayPath(relative) + " " + problem))
                    } else {
                        files.append(relative)
                    }
                case S_IFDIR: pending.append(relative)
                case S_IFREG: files.append(relative)
                default:
                    // Opening a named pipe waits for a writer, and a device can be read without end.
                    diagnostics.append(.error(displayPath(relative), "\(displayPath(relative)) is \(Self.kind(of: status.st_mode)), not a file; sitegen reads only files and folders"))
                }
            }
        }
        return files.sorted()
    }

    struct LinkProblem: Error { let text: String }

    /// The real path of the link `relative` (inside the content folder), or why it is not followed.
    func checkedLink(_ relative: String) -> Result<String, LinkProblem> {
        let rootReal = contentDirectory.resolvingSymlinksInPath().path
        let folder = OutputWriter.folder(of: relative)
        let path = contentDirectory.path + "/" + relative
        if let problem = linkProblem(path, folderReal: rootReal + (folder.isEmpty ? "" : "/" + folder), rootReal: rootReal) {
            return .failure(LinkProblem(text: problem))
        }
        return .success(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    }

    /// Why the symbolic link at `path` is not followed, naming it and where it leads (never what is there);
    /// nil for a link to a file inside the content folder. `folderReal` is the real path of its folder.
    private func linkProblem(_ path: String, folderReal: String, rootReal: String) -> String? {
        let written = Self.linkTarget(path) ?? "?"
        var target = stat()
        guard stat(path, &target) == 0 else {
            if errno == ELOOP {
                return "is a symbolic link to \(written) that leads back to itself through other links (a loop); sitegen does not follow it"
            }
            return "is a symbolic link to \(written), which does not exist"
        }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if real == folderReal {
            return "is a symbolic link to its own folder (a loop); sitegen does not follow it"
        }
        if real == rootReal || real.hasPrefix(rootReal + "/"), folderReal.hasPrefix(real + "/") {
            return "is a symbolic link to \(written), a folder that holds it (a loop); sitegen does not follow it"
        }
        let leads = real == written ? written : "\(written), that is \(real)"
        guard real.hasPrefix(rootReal + "/") else {
            return "is a symbolic link to \(leads), outside the content folder; sitegen does not follow it: copy the file in instead"
        }
        if target.st_mode & S_IFMT == S_IFDIR {
            // Following folder links could loop forever; a real folder does the same job.
            return "is a symbolic link to the folder \(written), which sitegen does not follow; move the folder into content/ instead"
        }
        if target.st_mode & S_IFMT != S_IFREG {
            return "is a symbolic link to \(written), which is \(Self.kind(of: target.st_mode)), not a file; sitegen reads only files and folders"
        }
        return nil
    }

    /// What a symbolic link says, as written in it.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The kind of a file system entry that is neither a file, a folder nor a link, in words.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a named pipe"
        case S_IFSOCK: "a socket"
        case S_IFCHR, S_IFBLK: "a device"
        default: "a special file"
        }
    }

    /// The names in a folder with their types as the listing gives them (`DT_UNKNOWN` on some file systems).
    static func entries(of folder: String) -> [(name: String, type: Int)]? {
        guard let stream = opendir(folder) else { return nil }
        defer { closedir(stream) }
        var entries: [(name: String, type: Int)] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            entries.append((name, Int(entry.pointee.d_type)))
        }
        return entries
    }

    /// The whole file, with plain system calls (Foundation's reader cost more than the parsing of YAML).
    /// With `followingLink` false, a symbolic link (at the path's last part) is not read: a file checked as a
    /// plain file, or a link's checked real path, is opened so, and one swapped for a link since is refused.
    static func readBytes(_ path: String, in folder: Int32 = AT_FDCWD, followingLink: Bool = true) -> [UInt8]? {
        // Without blocking: a named pipe put where a page was listed would otherwise wait for a writer.
        let descriptor = openat(folder, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followingLink ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        // The size when opened; a file still being written is read up to there.
        let size = Int(status.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            if let filled = read(descriptor, into: UnsafeMutableRawBufferPointer(buffer)) { count = filled } else { failed = true }
        }
        return failed ? nil : bytes
    }

    /// Reads from `descriptor` until `buffer` is full or the file ends; how many bytes came, nil on an error.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        var filled = 0
        while filled < buffer.count, let base = buffer.baseAddress {
            let read = Glibc.read(descriptor, base + filled, buffer.count - filled)
            if read < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if read == 0 { break }  // shrank meanwhile
            filled += read
        }
        return filled
    }

    private func decode(_ bytes: [UInt8], path: String, shown: String, diagnostics: inout DiagnosticList) -> SourceFile? {
        var bytes = bytes
        if bytes.isEmpty {
            diagnostics.append(.error(shown, "file is empty; a page starts with front matter between `---` lines, with at least a title"))
            return nil
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte-order mark is accepted
        if bytes.count > Self.largeFileBytes {
            diagnostics.append(.warning(shown, "file is \(bytes.count / 1_048_576) MB; is it meant to be a page?"))
        }
        guard var text = bytes.withUnsafeBufferPointer(String.init(validatingMostlyASCII:)) else {
            let offset = Self.firstInvalidUTF8(bytes) ?? 0
            let location = Self.location(ofByte: offset, in: bytes)
            diagnostics.append(.error(shown, line: location.line, column: location.column,
                                      "file is not valid UTF-8 (byte \(offset) is 0x\(String(bytes[offset], radix: 16, uppercase: true))); save it as UTF-8"))
            return nil
        }
        let hasCarriageReturn = bytes.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { memchr($0, 0x0D, buffer.count) != nil } ?? false }
        if hasCarriageReturn { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        if let (replaced, locations) = ForbiddenCharacters.replaced(in: text) {
            text = replaced
            diagnostics.append(contentsOf: ForbiddenCharacters.warnings(locations, path: shown))
        }
        return SourceFile(path: path, displayPath: shown, text: text)
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence, if any.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Line and column (in characters) of a byte offset; bytes before it are valid UTF-8.
    static func location(ofByte offset: Int, in bytes: [UInt8]) -> SourceLocation {
        let before = bytes[..<offset]
        let lineStart = (before.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        let line = before.count(where: { $0 == 0x0A }) + 1
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        return SourceLocation(line: line, column: column)
    }
}
