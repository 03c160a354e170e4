import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the last successful build of an output folder was made from, kept beside the folder: every file of
/// the content and templates folders and the sitegen executable by their identity on disk (size, inode,
/// modification and change times), the options that shape the output, the digest of what a page can read of
/// each document and collection (`ReadDigests`), what each page read when it was rendered (`PageReads`), the
/// files it published, and the warnings it gave. A build whose inputs and published files are all exactly as
/// recorded would make the same bytes (builds are deterministic), so it writes nothing and repeats the
/// warnings instead; one where only Markdown pages changed renders only the pages whose reads changed
/// (`PublishedPages`, `RenderPlan`).
///
/// Nothing is trusted that could have changed unseen: a file whose times are within two seconds of the
/// build's start (a change in the same tick as the build could keep its time) is recorded as changing, and
/// counts as edited at the next build whatever its times say then.
struct InputRecord: Sendable {
    var inputs: Inputs
    /// The published files with their identities.
    var outputs: String
    /// What a page could read of each document and collection at the last build (of documents and texts: once
    /// `planned()`, or as a build made it).
    var digests: ReadDigests
    /// What each page's templates read when it was rendered by the build that makes this record (`RenderContext`).
    var reads: [String: PageReads] = [:]
    /// What the other pages read as a record gave it (once `planned()`): written again as it was.
    var recordedReads: [String: RecordedReads] = [:]
    /// The pages' digests and reads as read from the file, parsed only by `planned()`: a build with nothing
    /// changed, the most frequent, does not need them.
    var unplanned: [(path: String, fields: Substring)] = []
    var warnings: [Diagnostic]
    var pages: Int
    var files: Int

    static let header = "sitegen input record 4"

    /// Everything a build reads, by identity on disk.
    struct Inputs: Sendable {
        /// The options that shape the output, as one line.
        var options: String
        /// nil when the executable changed too recently to be compared.
        var executable: String?
        var content: FileIdentities
        var templates: FileIdentities

        /// The same as `other`, every file settled in both: the same bytes would be built.
        func isExactly(_ other: Inputs) -> Bool {
            options == other.options && executable != nil && executable == other.executable
                && content.isExactly(other.content) && templates.isExactly(other.templates)
        }
    }

    /// The files of one folder: path inside it → identity.
    struct FileIdentities: Sendable {
        /// Files whose times are old enough to tell a change by.
        var settled: [String: String] = [:]
        /// Files changed too recently to be compared by their times: never taken as unchanged.
        var changing: Set<String> = []

        var paths: Set<String> { changing.union(settled.keys) }

        /// Whether `path` is as it was in `old`: settled in both, with the same identity.
        func isUnchanged(_ path: String, since old: FileIdentities) -> Bool {
            guard let identity = settled[path] else { return false }
            return old.settled[path] == identity
        }

        func isExactly(_ other: FileIdentities) -> Bool {
            changing.isEmpty && other.changing.isEmpty && settled == other.settled
        }
    }

    /// The inputs as they are now. Content files the loader leaves out (names starting with `.`, an editor's
    /// swap files among them) are left out here too: they cannot change the site.
    static func inputs(content: URL, templates: URL, options: String, now: timespec) -> Inputs {
        var status = stat()
        var executable: String? = switch stat("/proc/self/exe", &status) == 0 ? identity(status, now: now) : nil {
        case .settled(let identity)?: identity
        default: nil
        }
        // The cmark-gfm libraries this process loaded make the HTML as much as the executable does: an upgrade
        // of libcmark-gfm, or a copy loaded through LD_LIBRARY_PATH, is a change of the executable.
        if let known = executable {
            let libraries = loadedLibraries(named: "libcmark-gfm", now: now)
            executable = libraries.map { known + " " + $0 }
        }
        return Inputs(options: options, executable: executable,
                      content: filesBelow(content.path, skippingHidden: true, now: now),
                      templates: filesBelow(templates.path, skippingHidden: false, now: now))
    }

    /// Each mapped library whose file name starts with `prefix` (from /proc/self/maps: what is loaded, wherever it
    /// was found), as `path device:inode identity`, sorted; nil when one changed too recently to be compared or
    /// the maps cannot be read. The mapped inode is the one loaded: a file replaced since has another.
    static func loadedLibraries(named prefix: String, now: timespec?) -> String? {
        // A file of /proc says its size is 0: read until the end.
        let descriptor = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var maps: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            maps += buffer[..<count]
        }
        var found: Set<String> = []
        for line in String(decoding: maps, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let path = fields.last, path.hasPrefix("/"),
                  path.split(separator: "/").last?.hasPrefix(prefix) == true else { continue }
            found.insert("\(path) \(fields[3]):\(fields[4])")
        }
        var described: [String] = []
        for entry in found.sorted() {
            let path = String(entry.split(separator: " ")[0])
            var status = stat()
            guard stat(path, &status) == 0, case .settled(let identity) = self.identity(status, now: now) else { return nil }
            described.append(entry + " " + identity)
        }
        return described.joined(separator: " ")
    }

    /// The published files' identities, as `OutputWriter` left them; nil when one is missing.
    ///
    /// - Parameter known: the identities of the files as they were found before this build (`outputs` then),
    ///   with `rewritten`, the paths it wrote: a file it left as it was keeps the identity found then, and only
    ///   the files written are looked at again. (A file someone changed during the build keeps its identity
    ///   from before, and the next build, finding it different, writes it again.)
    static func outputs(_ paths: [String], in folder: URL, jobs: Int, known: String? = nil, rewritten: [String]? = nil) -> String? {
        guard let open = OpenFolder(folder.path) else { return nil }
        var before: [Substring: Substring] = [:]
        if let known, let rewritten {
            let written = Set(rewritten)
            before.reserveCapacity(paths.count)
            for line in Self.lines(known[...]) {
                guard let tab = line.utf8.firstIndex(of: UInt8(ascii: "\t")) else { continue }
                let path = line[..<tab]
                if !written.contains(String(path)) { before[path] = line[line.utf8.index(after: tab)...] }
            }
        }
        let kept = before
        let lines = Parallel.map(paths, jobs: jobs) { path -> String? in
            if let identity = kept[Substring(path)] { return path + "\t" + identity }
            var status = stat()
            guard fstatat(open.descriptor, path, &status, AT_SYMLINK_NOFOLLOW) == 0, case .settled(let identity) = identity(status, now: nil) else { return nil }
            return path + "\t" + identity
        }
        guard !lines.contains(where: { $0 == nil }) else { return nil }
        return lines.map { $0! }.joined(separator: "\n")
    }

    private enum Identity {
        case settled(String)
        case changing
    }

    /// Size, inode, modification and change times; changing for a file that changed within two seconds of `now`.
    private static func identity(_ status: stat, now: timespec?) -> Identity {
        if let now, status.st_mtim.tv_sec + 2 >= now.tv_sec || status.st_ctim.tv_sec + 2 >= now.tv_sec { return .changing }
        return .settled(identityText(status))
    }

    /// `size inode mtime ctime`, each time as `seconds.nanoseconds`, written digit by digit: interpolating six
    /// numbers into a String cost several times as much, for a line per file of the site.
    static func identityText(_ status: stat) -> String {
        // Six numbers of at most 20 characters each (a sign and 19 digits, or 20 digits), and five separators.
        String(unsafeUninitializedCapacity: 6 * 20 + 5) { text in
            var count = 0
            func put(_ magnitude: UInt64, negative: Bool = false, then separator: UInt8?) {
                if negative { text[count] = UInt8(ascii: "-"); count += 1 }
                var rest = magnitude
                let start = count
                repeat {
                    text[count] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                    count += 1
                } while rest > 0
                text[start..<count].reverse()
                if let separator { text[count] = separator; count += 1 }
            }
            func put(_ number: Int, then separator: UInt8?) {
                put(UInt64(number.magnitude), negative: number < 0, then: separator)
            }
            put(status.st_size, then: UInt8(ascii: " "))
            put(UInt64(status.st_ino), then: UInt8(ascii: " "))
            put(status.st_mtim.tv_sec, then: UInt8(ascii: "."))
            put(status.st_mtim.tv_nsec, then: UInt8(ascii: " "))
            put(status.st_ctim.tv_sec, then: UInt8(ascii: "."))
            put(status.st_ctim.tv_nsec, then: nil)
            return count
        }
    }

    /// Every file below `root` with its identity (a link by what it leads to), folder by folder, each file
    /// examined relative to its open folder; one that cannot be looked at counts as changing.
    private static func filesBelow(_ root: String, skippingHidden: Bool, now: timespec) -> FileIdentities {
        var files = FileIdentities()
        var pending = [""]
        while let folder = pending.popLast() {
            let path = folder.isEmpty ? root : root + "/" + folder
            guard let entries = ContentLoader.entries(of: path), let open = OpenFolder(path) else {
                if !folder.isEmpty { files.changing.insert(folder) }
                continue
            }
            for (name, type) in entries where !(skippingHidden && name.hasPrefix(".")) {
                let relative = folder.isEmpty ? name : folder + "/" + name
                var status = stat()
                if type == DT_DIR || (type == DT_UNKNOWN && fstatat(open.descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0
                                      && status.st_mode & S_IFMT == S_IFDIR) {
                    pending.append(relative)
                } else if fstatat(open.descriptor, name, &status, 0) == 0, case .settled(let identity) = identity(status, now: now) {
                    files.settled[relative] = identity
                } else {
                    files.changing.insert(relative)
                }
            }
        }
        return files
    }

    // MARK: The record's file

    /// The record as text: a header, the counts, the warnings, then one line per input and per output.
    /// A content file's line ends with its document's digest and what its page read; a file that was changing
    /// has `-` for its identity. The collections' digests follow.
    func write(to path: String, jobs: Int = 1) throws {
        // Appended as bytes: joining Strings with `+` validates each result again, several times a line.
        var text: [UInt8] = []
        func add(_ parts: String...) { for part in parts { text += part.utf8 } }
        add(Self.header, "\n\(pages) \(files)\n", "warnings \(warnings.count)\n")
        for warning in warnings {
            add("\(warning.line)\t\(warning.column)\t", Self.escape(warning.path), "\t", Self.escape(warning.message), "\n")
        }
        add("options ", Self.escape(inputs.options), "\n", "executable ", inputs.executable ?? "-", "\n")
        for (label, files) in [("content", inputs.content), ("templates", inputs.templates)] {
            add("\(label) \(files.settled.count + files.changing.count)\n")
            // A line per file, a share of them per thread, joined in order.
            let paths = files.paths.sorted()
            let shares = stride(from: 0, to: paths.count, by: 1024).map { $0..<min(paths.count, $0 + 1024) }
            for share in Parallel.map(shares, jobs: jobs, { lines(of: paths[$0], in: files) }) { text += share }
        }
        add("collections \(digests.collections.count)\n")
        for (name, digest) in digests.collections.sorted(by: { $0.key < $1.key }) { add(Self.escape(name), "\t", digest.hex, "\n") }
        add("addresses ", digests.pageAddresses.hex, "\n")
        add("outputs\n", outputs, "\n")
        // Written as the marker is, without a sync to disk: a record cut short is never read, and a missing
        // one only means a full build.
        let file = URL(fileURLWithPath: path)
        guard let folder = OpenFolder(file.deletingLastPathComponent().path) else {
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        try OutputWriter.writeRenamed(text, to: file.lastPathComponent, in: folder)
    }

    /// The lines of `paths`, each with its identity in `files`, its digests and what its page read.
    private func lines(of paths: ArraySlice<String>, in files: FileIdentities) -> [UInt8] {
        var text: [UInt8] = []
        func add(_ parts: String...) { for part in parts { text += part.utf8 } }
        for path in paths {
            // What the page read: paths and names (of files and collections: no tab, line end or U+001F can be
            // in one), escaped as the paths are, joined by U+001F.
            add(Self.escape(path), "\t", files.settled[path] ?? "-", "\t", digests.documents[path]?.hex ?? "", "\t",
                digests.texts[path]?.hex ?? "", "\t")
            if let read = reads[path] {
                add(read.documents.sorted().map(Self.escape).joined(separator: "\u{1F}"), "\t",
                    read.texts.sorted().map(Self.escape).joined(separator: "\u{1F}"), "\t",
                    read.collections.sorted().map(Self.escape).joined(separator: "\u{1F}"), "\t",
                    read.pageAddresses ? "addresses" : "-", "\n")
            } else if let recorded = recordedReads[path] {
                text += recorded.fields.utf8
                add("\n")
            } else {
                add("\t\t\t\n")
            }
        }
        return text
    }

    /// The record at `path`; nil when there is none, or it is of another version or damaged.
    static func read(from path: String) -> InputRecord? {
        guard let bytes = ContentLoader.readBytes(path), let text = String(validating: bytes, as: UTF8.self),
              let outputsStart = text.utf8Index(of: "\noutputs\n") else { return nil }
        var lines = Self.lines(text[..<outputsStart])[...]
        func fields(_ line: Substring?) -> [Substring]? {
            line?.utf8.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map(Substring.init)
        }
        guard lines.popFirst() == Substring(header), let counts = lines.popFirst()?.split(separator: " "), counts.count == 2,
              let pages = Int(counts[0]), let files = Int(counts[1]),
              let warningLine = lines.popFirst(), warningLine.hasPrefix("warnings "), let warningCount = Int(warningLine.dropFirst(9)) else { return nil }
        var warnings: [Diagnostic] = []
        for _ in 0..<warningCount {
            guard let fields = fields(lines.popFirst()), fields.count == 4, let line = Int(fields[0]), let column = Int(fields[1]) else { return nil }
            warnings.append(.warning(unescape(fields[2]), line: line, column: column, unescape(fields[3])))
        }
        guard let optionLine = lines.popFirst(), optionLine.hasPrefix("options "),
              let executableLine = lines.popFirst(), executableLine.hasPrefix("executable ") else { return nil }
        let executable = executableLine.dropFirst(11)
        var inputs = Inputs(options: unescape(optionLine.dropFirst(8)), executable: executable == "-" ? nil : String(executable),
                            content: FileIdentities(), templates: FileIdentities())
        var digests = ReadDigests(), unplanned: [(path: String, fields: Substring)] = []
        let tab = UInt8(ascii: "\t")
        for label in ["content", "templates"] {
            guard let countLine = lines.popFirst(), countLine.hasPrefix(label + " "), let count = Int(countLine.dropFirst(label.count + 1))
            else { return nil }
            var files = FileIdentities()
            files.settled.reserveCapacity(count)
            if label == "content" { unplanned.reserveCapacity(count) }
            for _ in 0..<count {
                // The path and the identity; the rest is the page's, read by `planned()`.
                guard let line = lines.popFirst(), let first = line.utf8.firstIndex(of: tab),
                      let second = line.utf8[line.utf8.index(after: first)...].firstIndex(of: tab) else { return nil }
                let path = unescape(line[..<first])
                let identity = line[line.utf8.index(after: first)..<second]
                // Data from the disk like the marker: a path that is not a plain one inside its folder means
                // the record was not written by sitegen, and is not used.
                guard Marker.problem(with: Substring(path)) == nil else { return nil }
                if identity == "-" { files.changing.insert(path) } else { files.settled[path] = String(identity) }
                if label == "content" { unplanned.append((path, line[line.utf8.index(after: second)...])) }
            }
            if label == "content" { inputs.content = files } else { inputs.templates = files }
        }
        guard let collectionLine = lines.popFirst(), collectionLine.hasPrefix("collections "),
              let collectionCount = Int(collectionLine.dropFirst(12)) else { return nil }
        for _ in 0..<collectionCount {
            guard let fields = fields(lines.popFirst()), fields.count == 2, let digest = ContentDigest(hex: fields[1]) else { return nil }
            digests.collections[unescape(fields[0])] = digest
        }
        guard let addressLine = lines.popFirst(), addressLine.hasPrefix("addresses "),
              let addresses = ContentDigest(hex: addressLine.dropFirst(10)) else { return nil }
        digests.pageAddresses = addresses
        guard lines.isEmpty else { return nil }
        // The published files' lines are compared as one text, as `outputs(_:in:)` makes it.
        var outputs = text[text.utf8.index(outputsStart, offsetBy: 9)...]
        if outputs.hasSuffix("\n") { outputs = outputs.dropLast() }
        for line in Self.lines(outputs) where !line.isEmpty {
            guard let tab = line.utf8.firstIndex(of: UInt8(ascii: "\t")), Marker.problem(with: line[..<tab]) == nil else { return nil }
        }
        var record = InputRecord(inputs: inputs, outputs: String(outputs), digests: digests, warnings: warnings, pages: pages, files: files)
        record.unplanned = unplanned
        return record
    }

    /// The lines of `text`, split at each line end (empty lines kept), found by `memchr`: the standard library's
    /// `split` goes through a record of a line per file a byte at a time, through a closure, and a build with
    /// nothing to do reads little else.
    static func lines(_ text: Substring) -> [Substring] {
        var ends: [Int] = []
        var bytes = text
        bytes.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            var position = 0
            while position < buffer.count, let found = memchr(base + position, 0x0A, buffer.count - position) {
                let end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                ends.append(end)
                position = end + 1
            }
        }
        var lines: [Substring] = []
        lines.reserveCapacity(ends.count + 1)
        let utf8 = text.utf8
        var start = utf8.startIndex, offset = 0
        for end in ends {
            let endIndex = utf8.index(start, offsetBy: end - offset)
            lines.append(Substring(utf8[start..<endIndex]))
            start = utf8.index(after: endIndex)
            offset = end + 1
        }
        lines.append(Substring(utf8[start...]))
        return lines
    }

    /// The record with every page's digests and reads parsed (what `RenderPlan` needs); nil when one of those
    /// lines is damaged: then nothing of it is used, and every page is rendered.
    func planned(jobs: Int = 1) -> InputRecord? {
        typealias Planned = (path: String, document: ContentDigest?, text: ContentDigest?, reads: RecordedReads?)
        // Each line on its own, a share of them per thread: a record has a line per page of the site.
        let chunks = stride(from: 0, to: unplanned.count, by: 512).map { $0..<min(unplanned.count, $0 + 512) }
        let lines = unplanned
        let parsed = Parallel.map(chunks, jobs: jobs) { chunk -> [Planned]? in
            var planned: [Planned] = []
            planned.reserveCapacity(chunk.count)
            for (path, line) in lines[chunk] {
                // Six fields split by tabs, into one array.
                var fields: [Substring] = []
                fields.reserveCapacity(6)
                var start = line.utf8.startIndex
                while let tab = line.utf8[start...].firstIndex(of: UInt8(ascii: "\t")), fields.count < 6 {
                    fields.append(line[start..<tab])
                    start = line.utf8.index(after: tab)
                }
                fields.append(line[start...])
                guard fields.count == 6 else { return nil }
                var entry: Planned = (path, nil, nil, nil)
                if !fields[0].isEmpty {
                    guard let digest = ContentDigest(hex: fields[0]) else { return nil }
                    entry.document = digest
                }
                if !fields[1].isEmpty {
                    guard let digest = ContentDigest(hex: fields[1]) else { return nil }
                    entry.text = digest
                }
                if !fields[5].isEmpty {
                    guard fields[5] == "addresses" || fields[5] == "-" else { return nil }
                    entry.reads = RecordedReads(fields: fields[2].base[fields[2].startIndex..<fields[5].endIndex],
                                                documents: fields[2], texts: fields[3], collections: fields[4],
                                                pageAddresses: fields[5] == "addresses")
                }
                planned.append(entry)
            }
            return planned
        }
        var record = self
        record.unplanned = []
        record.digests.documents.reserveCapacity(unplanned.count)
        record.digests.texts.reserveCapacity(unplanned.count)
        record.recordedReads.reserveCapacity(unplanned.count)
        for chunk in parsed {
            guard let chunk else { return nil }
            for entry in chunk {
                if let document = entry.document { record.digests.documents[entry.path] = document }
                if let text = entry.text { record.digests.texts[entry.path] = text }
                if let reads = entry.reads { record.recordedReads[entry.path] = reads }
            }
        }
        return record
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") }) else { return text }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ text: Substring) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return String(text) }
        var result = "", escaped = false
        for character in text {
            if escaped {
                result.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A page's reads as the record holds them: its names (escaped as in the record) joined by U+001F. A rebuild
/// plans every page of the site and an edit changes one or two names, so the planner matches the changed
/// names against these fields' bytes instead of making 10,000 pages' sets; a page kept as published has its
/// fields written to the next record as they are. The names are only compared, never used as paths.
struct RecordedReads: Sendable, PageReadSet {
    /// The four fields as in the record: documents, texts, collections, and `addresses` or `-`.
    var fields: Substring
    var documents: Substring
    var texts: Substring
    var collections: Substring
    var pageAddresses: Bool

    func readsAny(of changed: ChangedReads) -> Bool {
        (changed.addresses && pageAddresses) || changed.documents.any(in: documents) || changed.texts.any(in: texts)
            || changed.collections.any(in: collections)
    }

    /// The reads as sets (for tests that change a record).
    var parsed: PageReads {
        func names(_ field: Substring) -> Set<String> { Set(field.split(separator: "\u{1F}").map { InputRecord.unescape($0) }) }
        return PageReads(documents: names(documents), texts: names(texts), collections: names(collections), pageAddresses: pageAddresses)
    }
}

/// Changed names, ready to be looked for in a record's fields of names (`RecordedReads`). Names are Strings,
/// equal when canonically equivalent (`é` composed or not, the Kelvin sign and `K`): two names of ASCII alone
/// are equal exactly when their bytes are, so those are compared as bytes, and any other as a String.
struct RecordedNames: Sendable {
    let names: Set<String>
    /// The ASCII names, escaped as in the record.
    private let ascii: [[UInt8]]
    /// Some name is not ASCII: an ASCII name in a field may equal it.
    private let hasOthers: Bool

    init(_ names: Set<String>) {
        self.names = names
        let ascii = names.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        self.ascii = ascii.map { Array(InputRecord.escape($0).utf8) }
        hasOthers = ascii.count < names.count
    }

    /// Whether `field` (names joined by U+001F, escaped) has one of these names.
    func any(in field: Substring) -> Bool {
        guard !names.isEmpty, !field.isEmpty else { return false }
        for name in field.utf8.split(separator: 0x1F) {
            // Many names changed (a settings-wide change): each looked up.
            if ascii.count > 16 || !name.allSatisfy({ $0 < 0x80 }) {
                if names.contains(InputRecord.unescape(Substring(name))) { return true }
            } else if ascii.contains(where: { name.elementsEqual($0) }) || (hasOthers && names.contains(InputRecord.unescape(Substring(name)))) {
                return true
            }
        }
        return false
    }
}
