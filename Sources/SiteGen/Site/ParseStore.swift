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
/// The file is data from the disk, never trusted: a checksum over all of it (a store cut short, or with a
/// byte changed, is ignored whole), bounds checked at each read, and nothing in it decides where anything is
/// written: a document's path comes from the content folder's listing, its holder URL from the settings.
struct ParseStore: Sendable {
    static let header = Array("sitegen parse store 2\n".utf8)

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
        var parse: ArraySlice<UInt8>
    }

    /// Everything a parse depends on besides the file's text and the files that exist.
    var key: String
    /// Every Markdown file with its stored parse, by path inside the content folder.
    var entries: [String: Entry]
    /// Every file of the content folder when the store was written, Markdown or not: a link's target
    /// depends on which exist.
    var files: Set<String>

    /// The key of a world: nil when the executable cannot be told apart from another (it changed too recently).
    static func key(executable: String?, options: String, displayRoot: String, settings: String?) -> String? {
        guard let executable else { return nil }
        return [executable, options, displayRoot, settings ?? "-"].joined(separator: "\u{0}")
    }

    // MARK: Reading

    /// The store at `path`; nil when there is none, or it is damaged, of another format, or of another world.
    static func read(from path: String, key: String) -> ParseStore? {
        guard let bytes = ContentLoader.readBytes(path, followingLink: false), bytes.count >= header.count + 8,
              bytes.starts(with: header) else { return nil }
        let body = bytes[..<(bytes.count - 8)]
        let stored = bytes[(bytes.count - 8)...].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        guard body.withUnsafeBytes({ ContentDigest.checksum($0) }) == UInt64(littleEndian: stored) else { return nil }
        var reader = StoreReader(bytes[header.count..<body.endIndex])
        guard let storedKey = reader.string(), storedKey == key, let files = reader.strings() else { return nil }
        guard let count = reader.count() else { return nil }
        var entries = [String: Entry](minimumCapacity: count)
        for _ in 0..<count {
            guard let path = reader.string(), let identity = reader.string(), let high = reader.word(), let low = reader.word(),
                  let readCleanly = reader.flag(), let hasDigests = reader.flag() else { return nil }
            var digests: DocumentDigests?
            if hasDigests {
                guard let parseHigh = reader.word(), let parseLow = reader.word(), let textHigh = reader.word(), let textLow = reader.word()
                else { return nil }
                digests = DocumentDigests(parse: ContentDigest(high: parseHigh, low: parseLow), text: ContentDigest(high: textHigh, low: textLow))
            }
            guard let parse = reader.slice() else { return nil }
            entries[path] = Entry(identity: identity, digest: ContentDigest(high: high, low: low), digests: digests, readCleanly: readCleanly,
                                  parse: parse)
        }
        guard reader.isAtEnd else { return nil }
        return ParseStore(key: key, entries: entries, files: Set(files))
    }

    /// A stored parse as the parse phase gave it; nil when the bytes do not make one (the store is then not
    /// to be trusted for this file, which is parsed again).
    static func decode(_ parse: ArraySlice<UInt8>, path: String, displayPath: String, collections: Collections) -> (Document?, [Diagnostic])? {
        var reader = StoreReader(parse)
        guard let diagnosticCount = reader.count() else { return nil }
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
        guard let html = reader.string(), let headingCount = reader.count() else { return nil }
        var headings: [Heading] = []
        headings.reserveCapacity(headingCount)
        for _ in 0..<headingCount {
            guard let level = reader.count(), let text = reader.string(), let id = reader.string() else { return nil }
            headings.append(Heading(level: level, text: text, id: id))
        }
        guard let linkCount = reader.count() else { return nil }
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
                                body: RenderedMarkdown(html: html, headings: headings, links: []), internalLinks: links, holderURL: holder.url)
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
        writer.string(forComparison ? "" : document.body.html)
        writer.count(document.body.headings.count)
        for heading in document.body.headings {
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

    /// Writes a store of `pages` (sorted by path) to `path`, renamed into place once complete. Written a batch
    /// at a time, each batch encoded on `jobs` threads: the store is about as large as the site's HTML, and is
    /// never all in memory at once.
    static func write(key: String, files: [String], pages: [ParsedPage], jobs: Int, to path: String) throws {
        let file = URL(fileURLWithPath: path)
        guard let folder = OpenFolder(file.deletingLastPathComponent().path) else {
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let temporary = OutputWriter.temporaryName(for: file.lastPathComponent)
        unlinkat(folder.descriptor, temporary, 0)
        let descriptor = openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError("cannot create \(path): \(String(cString: strerror(errno)))") }
        var checksum = WordHash(seed: 0x2545_F491_4F6C_DD1D, multiplier: 0xFF51_AFD7_ED55_8CCD)
        func flush(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { buffer in
                checksum.add(buffer)
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))") }
                    offset += written
                }
            }
        }
        do {
            defer { close(descriptor) }
            var head = StoreWriter()
            head.bytes += header
            head.string(key)
            head.strings(files)
            head.count(pages.count)
            try flush(head.bytes)
            let batch = 256 * max(1, jobs)
            for start in stride(from: 0, to: pages.count, by: batch) {
                let chunks = Array(stride(from: start, to: min(pages.count, start + batch), by: 256))
                let encoded = Parallel.map(chunks, jobs: jobs) { first -> [UInt8] in
                    var writer = StoreWriter()
                    for page in pages[first..<min(pages.count, first + 256, start + batch)] {
                        writer.string(page.path)
                        writer.string(page.identity)
                        writer.word(page.digest.high)
                        writer.word(page.digest.low)
                        // A stored document always has its digests (made now if its page lacks them); a failed
                        // parse, no document, has none.
                        let digests = page.document == nil ? nil : page.digests ?? page.document.map(DocumentDigests.init)
                        writer.flag(page.readCleanly)
                        writer.flag(digests != nil)
                        if let digests {
                            for word in [digests.parse.high, digests.parse.low, digests.text.high, digests.text.low] { writer.word(word) }
                        }
                        writer.slice(page.stored ?? encode(page.document, page.diagnostics)[...])
                    }
                    return writer.bytes
                }
                for bytes in encoded { try flush(bytes) }
            }
            var tail = StoreWriter()
            tail.word(checksum.value)
            try flush(tail.bytes)
        } catch {
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
        guard renameat(folder.descriptor, temporary, folder.descriptor, file.lastPathComponent) == 0 else {
            unlinkat(folder.descriptor, temporary, 0)
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
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

    init?(hex: Substring) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(high: high, low: low)
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

    mutating func slice(_ value: ArraySlice<UInt8>) {
        count(value.count)
        bytes += value
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
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }

    mutating func byte() -> UInt8? {
        guard position < bytes.endIndex else { return nil }
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
        guard bytes.endIndex - position >= 8 else { return nil }
        defer { position += 8 }
        return UInt64(littleEndian: bytes[position..<(position + 8)].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }

    mutating func slice() -> ArraySlice<UInt8>? {
        guard let count = count(), count <= bytes.endIndex - position else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func string() -> String? {
        guard let slice = slice() else { return nil }
        return String(validating: slice, as: UTF8.self)
    }

    mutating func optionalString() -> String?? {
        guard let present = flag() else { return nil }
        guard present else { return .some(nil) }
        guard let value = string() else { return nil }
        return .some(value)
    }

    mutating func strings() -> [String]? {
        guard let count = count(), count <= bytes.endIndex - position else { return nil }
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
            guard let count = count(), count <= bytes.endIndex - position else { return nil }
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
