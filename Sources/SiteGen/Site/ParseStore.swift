import Foundation

/// The parse phase's results kept between builds, in one file beside the output folder: each Markdown file's
/// document and diagnostics, with the identity on disk and the digest of the text they were made from. A
/// rebuild takes a file's stored parse when its identity is as stored (the file was not touched), or when
/// its text has the stored digest (touched, not changed), and when nothing else its parse read has changed:
///
/// - the world (`key`): the executable and the cmark-gfm libraries it loaded, the options, the settings'
///   text (collections, Markdown settings). Another world, and the whole store is ignored;
/// - which files exist: a link's target and URL depend on it. A document linking to a file that came or went,
///   or with a link found invalid (it may name the file that came), or with a Markdown field (whose links are
///   rewritten but not kept), is parsed again when the set of files changed;
/// - the sources it cites (`SourceRegistry`): its notes are made of their fields. It is parsed again when
///   one of them was parsed again, came or went.
///
/// The file is a header and segments: the first holds every entry, each later one (added by a rebuild,
/// `write`) the entries made again, the paths gone and the file list when it changed. It is data from the
/// disk, never trusted: each segment has its length and a checksum (a segment cut short, or with a byte
/// changed, makes the whole store ignored; a store cut exactly between two segments is the store an earlier
/// build left), every count and length is checked against the bytes left, and nothing in it decides where
/// anything is written: a document's path comes from the content folder's listing, its holder URL from the
/// settings.
struct ParseStore: Sendable {
    static let header = Array("sitegen parse store 3\n".utf8)

    /// One stored file: how it was on disk, and the bytes of its parse.
    struct Entry: Sendable {
        /// `InputRecord`'s identity of the file (size, inode, times); empty when it was changing.
        var identity: String
        var digest: ContentDigest
        /// Its document's digests (`DocumentDigests`); nil when the parse made no document.
        var digests: DocumentDigests?
        /// Reading the file found no problem (`ParsedPage.readCleanly`).
        var readCleanly: Bool
        /// The encoded document and diagnostics: decoded when taken, copied as they are when kept.
        var parse: StoreSlice
        /// The bytes the entry takes in the store, its path included.
        var size = 0
    }

    /// Everything a parse depends on besides the file's text and the files that exist.
    var key: String
    /// Every Markdown file with its stored parse, by path inside the content folder.
    var entries: [String: Entry]
    /// Every file of the content folder when the store was written, Markdown or not: a link's target
    /// depends on which exist.
    var files: Set<String>
    /// The store's size on disk when read, and how many segments it has (`write`).
    var size = 0
    var segments = 0
    /// The bytes of the store no longer read: entries made again or gone, file lists replaced, the later
    /// segments' own headers. A store more than half of which is that is written anew.
    var superseded = 0
    /// The bytes of the file list read last.
    var filesSize = 0
    /// The file read, as it was when read (`StoreBytes.identity`): a segment is added only to that file.
    var fileIdentity: StoreBytes.Identity?

    /// The key of a world: nil when the executable cannot be told apart from another (it changed too recently).
    static func key(executable: String?, options: String, displayRoot: String, settings: String?) -> String? {
        guard let executable else { return nil }
        return [executable, options, displayRoot, settings ?? "-"].joined(separator: "\u{0}")
    }

    // MARK: Reading

    /// The store at `path`; nil when there is none, or it is damaged, of another format, or of another world.
    static func read(from path: String, key: String) -> ParseStore? {
        load(from: path).flatMap { read($0, key: key) }
    }

    /// A store's bytes with each segment's checksum checked, not yet read: what can be done before the world's
    /// key is known, while the build looks at its other inputs.
    struct Loaded: Sendable {
        var bytes: StoreBytes
        var segments: [Range<Int>]
    }

    /// The bytes at `path`, each segment checked whole; nil when there is no store, or it is damaged (a
    /// damaged segment makes the whole store unread) or of another format.
    static func load(from path: String) -> Loaded? {
        guard let bytes = StoreBytes(reading: path) else { return nil }
        let buffer = bytes.buffer
        guard buffer.count >= header.count, header.withUnsafeBytes({ memcmp($0.baseAddress!, buffer.baseAddress!, header.count) == 0 }) else { return nil }
        var segments: [Range<Int>] = []
        var position = header.count
        while position < buffer.count {
            guard buffer.count - position >= 16 else { return nil }
            let length = Int(truncatingIfNeeded: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
            guard length >= 0, length <= buffer.count - position - 16 else { return nil }
            let payload = (position + 8)..<(position + 8 + length)
            let stored = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: payload.upperBound, as: UInt64.self))
            guard ContentDigest.checksum(UnsafeRawBufferPointer(rebasing: buffer[payload])) == stored else { return nil }
            segments.append(payload)
            position += length + 16
        }
        return segments.isEmpty ? nil : Loaded(bytes: bytes, segments: segments)
    }

    /// The store of `loaded`, segment by segment; nil when it is of another world or a segment does not read.
    static func read(_ loaded: Loaded, key: String) -> ParseStore? {
        var store = ParseStore(key: key, entries: [:], files: [])
        store.size = loaded.bytes.buffer.count
        store.fileIdentity = loaded.bytes.identity
        for (index, payload) in loaded.segments.enumerated() {
            guard store.apply(StoreSlice(loaded.bytes, payload), first: index == 0) else { return nil }
        }
        store.segments = loaded.segments.count
        return store
    }

    /// Reads one segment into the store: the first has every entry, each later one those that changed.
    private mutating func apply(_ payload: StoreSlice, first: Bool) -> Bool {
        var reader = StoreReader(payload)
        // What of this segment is read: its entries and file list. The rest of a later segment is its overhead.
        var kept = 0
        guard let storedKey = reader.string(), storedKey == key, let hasFiles = reader.flag(), hasFiles || !first else { return false }
        if hasFiles {
            let start = reader.offset
            guard let files = reader.strings() else { return false }
            self.files = Set(files)
            superseded += filesSize
            filesSize = reader.offset - start
            kept += filesSize
        }
        guard let removed = reader.strings(), let count = reader.boundedCount() else { return false }
        for path in removed { superseded += entries.removeValue(forKey: path)?.size ?? 0 }
        if first { entries.reserveCapacity(count) }
        for _ in 0..<count {
            let start = reader.offset
            guard let path = reader.string(), let identity = reader.string(), let high = reader.word(), let low = reader.word(),
                  let readCleanly = reader.flag(), let hasDigests = reader.flag() else { return false }
            var digests: DocumentDigests?
            if hasDigests {
                guard let parseHigh = reader.word(), let parseLow = reader.word(), let textHigh = reader.word(), let textLow = reader.word()
                else { return false }
                digests = DocumentDigests(parse: ContentDigest(high: parseHigh, low: parseLow), text: ContentDigest(high: textHigh, low: textLow))
            }
            guard let parse = reader.slice() else { return false }
            let entry = Entry(identity: identity, digest: ContentDigest(high: high, low: low), digests: digests, readCleanly: readCleanly,
                              parse: parse, size: reader.offset - start)
            superseded += entries.updateValue(entry, forKey: path)?.size ?? 0
            kept += entry.size
        }
        guard reader.isAtEnd else { return false }
        if !first { superseded += payload.count + 16 - kept }
        return true
    }

    /// A stored parse as the parse phase gave it; nil when the bytes do not make one (the store is then not
    /// to be trusted for this file, which is parsed again).
    static func decode(_ parse: ArraySlice<UInt8>, path: String, displayPath: String, collections: Collections) -> (Document?, [Diagnostic])? {
        decode(StoreSlice(copying: parse), path: path, displayPath: displayPath, collections: collections)
    }

    /// A stored parse; its HTML is decoded only when a page shows it (`DocumentText`).
    static func decode(_ parse: StoreSlice, path: String, displayPath: String, collections: Collections) -> (Document?, [Diagnostic])? {
        var reader = StoreReader(parse)
        guard let diagnosticCount = reader.boundedCount() else { return nil }
        var diagnostics: [Diagnostic] = []
        diagnostics.reserveCapacity(diagnosticCount)
        for _ in 0..<diagnosticCount {
            guard let severity = reader.byte(), let diagnosticPath = reader.string(), let line = reader.count(), let column = reader.count(),
                  let message = reader.string(), let pointsIntoText = reader.flag() else { return nil }
            var diagnostic = Diagnostic(severity == 0 ? .error : .warning, diagnosticPath, line: line, column: column, message)
            diagnostic.pointsIntoText = pointsIntoText
            diagnostics.append(diagnostic)
        }
        guard let hasDocument = reader.flag() else { return nil }
        guard hasDocument else { return reader.isAtEnd ? (nil, diagnostics) : nil }
        guard let collection = reader.optionalString(), let isList = reader.flag(), let title = reader.string(),
              let navigationTitle = reader.optionalString(), let description = reader.optionalString(),
              let layout = reader.optionalString(), let draft = reader.flag(), let toc = reader.byte(),
              let fieldCount = reader.count() else { return nil }
        var fields: [String: FieldValue] = [:]
        for _ in 0..<fieldCount {
            guard let name = reader.string(), let value = reader.fieldValue() else { return nil }
            fields[name] = value
        }
        guard let locationCount = reader.count() else { return nil }
        var fieldLocations: [String: SourceLocation] = [:]
        for _ in 0..<locationCount {
            guard let name = reader.string(), let location = reader.location() else { return nil }
            fieldLocations[name] = location
        }
        guard let citations = reader.strings(), let uncitedCount = reader.count() else { return nil }
        var uncited: [SourceLocation] = []
        for _ in 0..<uncitedCount {
            guard let location = reader.location() else { return nil }
            uncited.append(location)
        }
        guard let html = reader.slice(), let headingCount = reader.boundedCount() else { return nil }
        var headings: [Heading] = []
        headings.reserveCapacity(headingCount)
        for _ in 0..<headingCount {
            guard let level = reader.count(), let text = reader.string(), let id = reader.string() else { return nil }
            headings.append(Heading(level: level, text: text, id: id))
        }
        guard let linkCount = reader.boundedCount() else { return nil }
        var links: [(location: SourceLocation, target: LinkTarget)] = []
        links.reserveCapacity(linkCount)
        for _ in 0..<linkCount {
            guard let location = reader.location(), let target = reader.linkTarget() else { return nil }
            links.append((location, target))
        }
        guard reader.isAtEnd else { return nil }
        // Where the page is shown is the settings' to say, not the store's.
        let holder = collections.holder(of: path)
        let document = Document(source: SourceFile(path: path, displayPath: displayPath, text: ""), collection: collection, isList: isList,
                                title: title, navigationTitle: navigationTitle, description: description, layout: layout, draft: draft,
                                tableOfContents: toc == 2 ? nil : toc == 1, fields: fields, fieldLocations: fieldLocations,
                                hasOwnPage: holder.anchor == nil, citations: citations, uncitedParagraphs: uncited,
                                text: DocumentText(stored: html), headings: headings, internalLinks: links, holderURL: holder.url)
        return (document, diagnostics)
    }

    // MARK: Writing

    /// The bytes of one file's parse, as `decode` reads them. For comparison (`Document.sameButText`), without
    /// what an edit of the text alone changes: the HTML, and where its links and uncited paragraphs are
    /// written (diagnostics point there; the pages' templates never see it).
    static func encode(_ document: Document?, _ diagnostics: [Diagnostic], forComparison: Bool = false) -> [UInt8] {
        var writer = StoreWriter()
        writer.count(diagnostics.count)
        for diagnostic in diagnostics {
            writer.byte(diagnostic.severity == .error ? 0 : 1)
            writer.string(diagnostic.path)
            writer.count(diagnostic.line)
            writer.count(diagnostic.column)
            writer.string(diagnostic.message)
            writer.flag(diagnostic.pointsIntoText)
        }
        guard let document else {
            writer.flag(false)
            return writer.bytes
        }
        writer.flag(true)
        writer.optionalString(document.collection)
        writer.flag(document.isList)
        writer.string(document.title)
        writer.optionalString(document.navigationTitle)
        writer.optionalString(document.description)
        writer.optionalString(document.layout)
        writer.flag(document.draft)
        writer.byte(document.tableOfContents.map { $0 ? 1 : 0 } ?? 2)
        // Sorted: the same document gives the same bytes.
        writer.count(document.fields.count)
        for (name, value) in document.fields.sorted(by: { $0.key < $1.key }) {
            writer.string(name)
            writer.fieldValue(value)
        }
        writer.count(document.fieldLocations.count)
        for (name, location) in document.fieldLocations.sorted(by: { $0.key < $1.key }) {
            writer.string(name)
            writer.location(location)
        }
        writer.strings(document.citations)
        writer.count(forComparison ? 0 : document.uncitedParagraphs.count)
        for location in document.uncitedParagraphs where !forComparison { writer.location(location) }
        writer.string(forComparison ? "" : document.html)
        writer.count(document.headings.count)
        for heading in document.headings {
            writer.count(heading.level)
            writer.string(heading.text)
            writer.string(heading.id)
        }
        writer.count(document.internalLinks.count)
        for link in document.internalLinks {
            writer.location(forComparison ? SourceLocation(line: 0, column: 0) : link.location)
            writer.linkTarget(link.target)
        }
        return writer.bytes
    }

    /// Keeps the parses of `pages` (every Markdown file, sorted by path) for the next build.
    ///
    /// When `earlier` is the store this build read from `path` (of this world), only what changed is added to
    /// it (nothing when every entry was taken as it is, as after a template edit), as a segment at its end: the entries of the files read again, the paths of the files gone, the list
    /// of files when it changed. The store is otherwise written anew, as one segment, to a temporary file
    /// renamed into place once complete: when there was none, when the file is no longer the one read, and when
    /// the segments have made it more than twice what it holds. An append cut short leaves a segment whose
    /// checksum fails, and the next build ignores the whole store, as it would any damaged store.
    static func write(key: String, files: [String], pages: [ParsedPage], jobs: Int, to path: String, over earlier: ParseStore? = nil) throws {
        if let earlier, earlier.key == key {
            // A page taken without reading its file has its stored entry, under the same identity.
            let changed = pages.filter { !($0.untouched && $0.stored != nil && earlier.entries[$0.path] != nil) }
            let current = Set(pages.map(\.path))
            let removed = earlier.entries.keys.filter { !current.contains($0) }.sorted()
            let filesChanged = Set(files) != earlier.files
            if changed.isEmpty, removed.isEmpty, !filesChanged { return }
            // Most files read again (a checkout that touched them all): a segment would be most of the store.
            if changed.count * 2 <= pages.count {
                var segment = StoreWriter()
                segment.string(key)
                segment.flag(filesChanged)
                if filesChanged { segment.strings(files) }
                segment.strings(removed)
                segment.count(changed.count)
                let entriesStart = segment.bytes.count
                for page in changed { segment.entry(page) }
                // What the store would then hold that is no longer read: what it had, the entries and file list
                // this segment replaces, and the segment's own header.
                let replaced = changed.reduce(0) { $0 + (earlier.entries[$1.path]?.size ?? 0) }
                    + removed.reduce(0) { $0 + (earlier.entries[$1]?.size ?? 0) } + (filesChanged ? earlier.filesSize : 0)
                let superseded = earlier.superseded + replaced + entriesStart + 16
                if 2 * superseded <= earlier.size + segment.bytes.count + 16, try append(segment.bytes, to: path, over: earlier) { return }
            }
        }
        try writeAnew(key: key, files: files, pages: pages, jobs: jobs, to: path)
    }

    /// Adds one segment at the end of the store at `path`; false when the file is not the one read (another
    /// file, or the same one changed since), and nothing was written.
    private static func append(_ payload: [UInt8], to path: String, over earlier: ParseStore) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, let read = earlier.fileIdentity,
              StoreBytes.Identity(status) == read else { return false }
        var segment = StoreWriter()
        segment.word(UInt64(payload.count))
        segment.bytes += payload
        segment.word(payload.withUnsafeBytes { ContentDigest.checksum($0) })
        do {
            try writeAll(segment.bytes, to: descriptor, path: path)
        } catch {
            // What was added is taken back; were that to fail too, the segment cut short fails its checksum.
            _ = ftruncate(descriptor, off_t(earlier.size))
            throw error
        }
        return true
    }

    /// Writes a store of `pages` to `path` as one segment, renamed into place once complete. Written a batch at
    /// a time, each batch encoded on `jobs` threads: the store is about as large as the site's HTML, and is
    /// never all in memory at once.
    private static func writeAnew(key: String, files: [String], pages: [ParsedPage], jobs: Int, to path: String) throws {
        let file = URL(fileURLWithPath: path)
        guard let folder = OpenFolder(file.deletingLastPathComponent().path) else {
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let temporary = OutputWriter.temporaryName(for: file.lastPathComponent)
        unlinkat(folder.descriptor, temporary, 0)
        let descriptor = openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError("cannot create \(path): \(String(cString: strerror(errno)))") }
        var checksum = WordHash(seed: 0x2545_F491_4F6C_DD1D, multiplier: 0xFF51_AFD7_ED55_8CCD)
        var length = 0
        func flush(_ bytes: [UInt8], counted: Bool = true) throws {
            if counted {
                bytes.withUnsafeBytes { checksum.add($0) }
                length += bytes.count
            }
            try writeAll(bytes, to: descriptor, path: path)
        }
        do {
            defer { close(descriptor) }
            // The segment's length, not known yet: written last, in its place.
            try flush(header + [UInt8](repeating: 0, count: 8), counted: false)
            var head = StoreWriter()
            head.string(key)
            head.flag(true)
            head.strings(files)
            head.strings([])
            head.count(pages.count)
            try flush(head.bytes)
            let batch = 256 * max(1, jobs)
            for start in stride(from: 0, to: pages.count, by: batch) {
                let chunks = Array(stride(from: start, to: min(pages.count, start + batch), by: 256))
                let encoded = Parallel.map(chunks, jobs: jobs) { first -> [UInt8] in
                    var writer = StoreWriter()
                    for page in pages[first..<min(pages.count, first + 256, start + batch)] { writer.entry(page) }
                    return writer.bytes
                }
                for bytes in encoded { try flush(bytes) }
            }
            var tail = StoreWriter()
            tail.word(checksum.value)
            try flush(tail.bytes, counted: false)
            var prefix = StoreWriter()
            prefix.word(UInt64(length))
            guard prefix.bytes.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, 8, off_t(header.count)) }) == 8 else {
                throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
        guard renameat(folder.descriptor, temporary, folder.descriptor, file.lastPathComponent) == 0 else {
            unlinkat(folder.descriptor, temporary, 0)
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { try OutputWriter.writeAll($0, to: descriptor, path: path) }
    }
}

/// A digest of a file's text, 128 bits from two 64-bit hashes that read it eight bytes at a time: fast enough
/// to take of every page a first build parses (FNV-1a reads a byte at a time). Not for
/// what an adversary chooses; a store someone forged could give any parse anyway, as could the output folder.
struct ContentDigest: Sendable, Hashable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(_ text: String) {
        var text = text
        self = text.withUTF8 { ContentDigest(bytes: UnsafeRawBufferPointer($0)) }
    }

    init(bytes: UnsafeRawBufferPointer) {
        var high = WordHash(seed: 0x9E37_79B9_7F4A_7C15, multiplier: 0xFF51_AFD7_ED55_8CCD)
        var low = WordHash(seed: 0xC2B2_AE3D_27D4_EB4F, multiplier: 0xC4CE_B9FE_1A85_EC53)
        high.add(bytes)
        low.add(bytes)
        self.high = high.value
        self.low = low.value
    }

    /// 32 hexadecimal digits, as a record keeps it.
    var hex: String {
        // Digit by digit into one string: made for every page of a record, twice.
        String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for (index, half) in [high, low].enumerated() {
                for position in 0..<16 {
                    let nibble = Int((half >> UInt64(60 - 4 * position)) & 0xF)
                    buffer[index * 16 + position] = digits.utf8Start[nibble]
                }
            }
            return 32
        }
    }

    /// The digest written by `hex`: 32 lowercase hexadecimal digits; nil for anything else.
    init?(hex: Substring) {
        var words: (UInt64, UInt64) = (0, 0)
        var count = 0
        for byte in hex.utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            guard count < 32 else { return nil }
            if count < 16 { words.0 = words.0 << 4 | UInt64(digit) } else { words.1 = words.1 << 4 | UInt64(digit) }
            count += 1
        }
        guard count == 32 else { return nil }
        self.init(high: words.0, low: words.1)
    }

    /// A checksum of a store's bytes: a store with any byte changed, or cut short, is not read.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = WordHash(seed: 0x2545_F491_4F6C_DD1D, multiplier: 0xFF51_AFD7_ED55_8CCD)
        hash.add(bytes)
        return hash.value
    }
}

/// A 64-bit hash that reads its bytes eight at a time, in as many pieces as they come. Each step,
/// `h = mix((h ^ word) * multiplier)`, is a bijection of `h` for a given word (the multiplier is odd), so two
/// inputs of one length that differ in a single word always hash differently.
struct WordHash {
    private var h: UInt64
    private let multiplier: UInt64
    /// The bytes of an incomplete word, and how many.
    private var pending: UInt64 = 0
    private var pendingCount = 0
    private var total: UInt64 = 0

    init(seed: UInt64, multiplier: UInt64) {
        h = seed
        self.multiplier = multiplier | 1
    }

    private mutating func mix(_ word: UInt64) {
        h = (h ^ word) &* multiplier
        h ^= h >> 29
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        total &+= UInt64(bytes.count)
        var offset = 0
        while pendingCount > 0, offset < bytes.count {
            pending |= UInt64(bytes[offset]) << (8 * UInt64(pendingCount))
            pendingCount += 1
            offset += 1
            if pendingCount == 8 {
                mix(pending)
                pending = 0
                pendingCount = 0
            }
        }
        while offset + 8 <= bytes.count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        while offset < bytes.count {
            pending |= UInt64(bytes[offset]) << (8 * UInt64(pendingCount))
            pendingCount += 1
            offset += 1
        }
    }

    /// The hash of every byte added so far, their count included.
    var value: UInt64 {
        var h = (self.h ^ pending) &* multiplier
        h ^= total &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}

/// Appends the store's values: counts and numbers as LEB128, texts as their byte count and UTF-8 bytes.
private struct StoreWriter {
    var bytes: [UInt8] = []

    mutating func count(_ value: Int) {
        var rest = UInt64(max(0, value))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func flag(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func word(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func string(_ value: String) {
        count(value.utf8.count)
        bytes += value.utf8
    }

    mutating func optionalString(_ value: String?) {
        flag(value != nil)
        if let value { string(value) }
    }

    mutating func strings(_ values: [String]) {
        count(values.count)
        for value in values { string(value) }
    }

    mutating func slice(_ value: StoreSlice) {
        count(value.count)
        value.withBytes { bytes += $0 }
    }

    mutating func location(_ location: SourceLocation) {
        count(location.line)
        count(location.column)
    }

    mutating func fieldValue(_ value: FieldValue) {
        switch value {
        case .text(let text): byte(0); string(text)
        case .html(let source, let html): byte(1); string(source); string(html)
        case .date(let date): byte(2); count(date.year); count(date.month ?? 0); count(date.day ?? 0)
        case .number(let number): byte(3); word(number.bitPattern)
        case .flag(let flag): byte(4); self.flag(flag)
        case .reference(let path): byte(5); string(path)
        case .list(let items):
            byte(6)
            count(items.count)
            for item in items { fieldValue(item) }
        }
    }

    /// One file's entry: how it was on disk, its digests, and its parse (the stored bytes when it was taken).
    mutating func entry(_ page: ParsedPage) {
        string(page.path)
        string(page.identity)
        word(page.digest.high)
        word(page.digest.low)
        // A stored document always has its digests (made now if its page lacks them); a failed parse, no
        // document, has none.
        let digests = page.document == nil ? nil : page.digests ?? page.document.map(DocumentDigests.init)
        flag(page.readCleanly)
        flag(digests != nil)
        if let digests {
            for value in [digests.parse.high, digests.parse.low, digests.text.high, digests.text.low] { word(value) }
        }
        if let stored = page.stored {
            slice(stored)
        } else {
            let encoded = ParseStore.encode(page.document, page.diagnostics)
            count(encoded.count)
            bytes += encoded
        }
    }

    mutating func linkTarget(_ target: LinkTarget) {
        switch target {
        case .external: byte(0)
        case .sameDocument(let fragment): byte(1); string(fragment)
        case .content(let path, let fragment): byte(2); string(path); optionalString(fragment)
        case .invalid(let advice): byte(3); string(advice)
        }
    }
}

/// Reads what `StoreWriter` wrote; every read is bounds checked and gives nil past the end or on a value
/// that cannot be (a count larger than the bytes left, a date that does not exist, an unknown tag).
private struct StoreReader {
    private let owner: StoreBytes
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int

    init(_ slice: StoreSlice) {
        owner = slice.owner
        bytes = slice.owner.buffer
        position = slice.range.lowerBound
        end = slice.range.upperBound
    }

    var isAtEnd: Bool { position == end }
    /// Where the next read starts, in the store's bytes.
    var offset: Int { position }

    /// A count of things each taking at least a byte: nil when there are fewer bytes left (a count from a
    /// forged store would otherwise ask for memory that is not there).
    mutating func boundedCount() -> Int? {
        guard let count = count(), count <= end - position else { return nil }
        return count
    }

    mutating func byte() -> UInt8? {
        guard position < end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func flag() -> Bool? {
        switch byte() {
        case 0: false
        case 1: true
        default: nil
        }
    }

    /// A LEB128 number of at most nine bytes (63 bits), as an Int.
    mutating func count() -> Int? {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 63, by: 7) {
            guard let next = byte() else { return nil }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value <= UInt64(Int.max) ? Int(value) : nil }
        }
        return nil
    }

    mutating func word() -> UInt64? {
        guard end - position >= 8 else { return nil }
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func slice() -> StoreSlice? {
        guard let count = count(), count <= end - position else { return nil }
        defer { position += count }
        return StoreSlice(owner, position..<(position + count))
    }

    mutating func string() -> String? {
        guard let count = count(), count <= end - position else { return nil }
        defer { position += count }
        return String(validating: UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[position..<(position + count)]), as: UTF8.self)
    }

    mutating func optionalString() -> String?? {
        guard let present = flag() else { return nil }
        guard present else { return .some(nil) }
        guard let value = string() else { return nil }
        return .some(value)
    }

    mutating func strings() -> [String]? {
        guard let count = count(), count <= end - position else { return nil }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = string() else { return nil }
            values.append(value)
        }
        return values
    }

    mutating func location() -> SourceLocation? {
        guard let line = count(), let column = count() else { return nil }
        return SourceLocation(line: line, column: column)
    }

    /// A field value; a list nests at most a few levels in any declaration, and a store deeper than that is damaged.
    mutating func fieldValue(depth: Int = 0) -> FieldValue? {
        guard depth < 8, let tag = byte() else { return nil }
        switch tag {
        case 0: return string().map(FieldValue.text)
        case 1:
            guard let source = string(), let html = string() else { return nil }
            return .html(source: source, html: html)
        case 2:
            guard let year = count(), let month = count(), let day = count(),
                  let date = PartialDate(year: year, month: month == 0 ? nil : month, day: day == 0 ? nil : day) else { return nil }
            return .date(date)
        case 3: return word().map { .number(Double(bitPattern: $0)) }
        case 4: return flag().map(FieldValue.flag)
        case 5: return string().map(FieldValue.reference)
        case 6:
            guard let count = count(), count <= end - position else { return nil }
            var items: [FieldValue] = []
            for _ in 0..<count {
                guard let item = fieldValue(depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .list(items)
        default: return nil
        }
    }

    mutating func linkTarget() -> LinkTarget? {
        switch byte() {
        case 0: return .external
        case 1: return string().map { .sameDocument(fragment: $0) }
        case 2:
            guard let path = string(), let fragment = optionalString() else { return nil }
            return .content(path: path, fragment: fragment)
        case 3: return string().map(LinkTarget.invalid)
        default: return nil
        }
    }
}
