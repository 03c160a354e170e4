import Foundation

/// The search entries of the last successful build of an output folder, kept in a file beside it
/// (`OutputWriter.searchStorePath`) so that the next build reads again only the documents whose entry would
/// not be the same: a `build` after an edit tokenizes the edited pages, as a preview server does.
///
/// An entry is taken from the store only for a document whose title, body HTML, heading texts and place
/// (URL, kind, date), everything an entry is made of, have the digest it was stored under, and only from a
/// store of this format written by this same executable (a change of the tokenizer changes the terms of
/// unchanged pages). Terms are stored as their text, once for the whole store, and numbered anew in this
/// process's vocabulary as entries are taken. The file is data from the disk: one that is missing, cut
/// short, of another format or executable, or changed in any byte is not used at all, and the build reads
/// every document as a first build does. Like the input record it is removed before a build writes
/// anything and written again only once the build succeeded.
///
/// The file, integers as 32 bits little-endian, a text as its length then its UTF-8 bytes:
///
///     sitegen search store 1\n
///     the executable's identity (a text)
///     the terms: their count, then each term (a text)
///     the entries: their count, then each entry's key (its digest's 32 hexadecimal digits), excerpt (a
///       text), count of terms, and each term as its place in the terms << 6 | its weight
///     the digest of every byte before it (`ContentDigest`), in 32 hexadecimal digits
final class SearchEntryStore: @unchecked Sendable {
    /// The store of the build running on this thread (`using(_:)`), if any.
    @TaskLocal static var current: SearchEntryStore?

    /// Changed whenever what the file holds or how an entry is made from it changes.
    static let formatVersion = 1
    static func header(version: Int = formatVersion) -> [UInt8] { Array("sitegen search store \(version)\n".utf8) }

    /// This process's executable as the input record identifies it; nil when it cannot be told from
    /// another (it changed too recently): then no store is read or written.
    private let executable: String?
    private let lock = NSLock()
    /// The file as read before it was removed; parsed when the index asks for entries, so that a build
    /// whose site has no search spends nothing on it.
    private var bytes: [UInt8]?
    /// What this build made, for the next: every entry in the index's order, each with its key.
    private var made: (entries: [SearchEntry], keys: [Key])?
    /// How many entries this build made by reading their document (the others came from the store).
    private(set) var tokenized: Int?
    /// Each document's HTML digest as its parse made it (`DocumentDigests.text`), by path: a key's digest of
    /// the HTML is taken from there rather than made again.
    private var textDigests: [String: ContentDigest] = [:]

    /// The HTML digests of this build's documents, by path; set by the build once they are parsed.
    func know(textDigests: [String: ContentDigest]) { lock.withLock { self.textDigests = textDigests } }

    /// The key of `document`'s entry, with its HTML's digest as its parse made it.
    func key(of document: Document, headings: [String], url: String, kind: String, date: String) -> Key {
        let known = lock.withLock { textDigests[document.path] }
        return Key(title: document.title, htmlDigest: known ?? ContentDigest(document.html), headings: headings, url: url, kind: kind,
                   date: date)
    }

    /// Reads the store at `path`, if there is one; a store that cannot be read counts as none.
    init(reading path: String, executable: String?) {
        self.executable = executable
        // `readBytes` opens only a plain file: a folder or a pipe in its place is no store.
        bytes = executable == nil ? nil : ContentLoader.readBytes(path)
    }

    /// Runs `body` (a build) with this store as `current`; without an executable to trust, with none.
    func using<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard executable != nil else { return try body() }
        return try Self.$current.withValue(self, operation: body)
    }

    /// The entries the last build stored, ready to be taken into `vocabulary`; nil when there are none to
    /// trust. Called once, by the build's index: the file's bytes are let go here.
    func stored(in vocabulary: SearchVocabulary) -> StoredEntries? {
        let bytes = lock.withLock { defer { self.bytes = nil }; return self.bytes }
        guard let bytes, let executable else { return nil }
        return StoredEntries(parsing: bytes, executable: executable, vocabulary: vocabulary)
    }

    /// Keeps what the build made, to be written once it succeeded.
    func keep(_ entries: [SearchEntry], keys: [Key], tokenized: Int) {
        lock.withLock {
            made = (entries, keys)
            self.tokenized = tokenized
        }
    }

    /// Writes the entries this build made, if it made any, as the store at `path`; whole or not at all.
    /// - Returns: whether a store was written.
    @discardableResult
    func write(to path: String) throws -> Bool {
        guard let executable, let made = lock.withLock({ made }) else { return false }
        let file = URL(fileURLWithPath: path)
        guard let folder = OpenFolder(file.deletingLastPathComponent().path) else {
            throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        // Without a sync to disk, as the record: a store cut short is never read, a missing one costs a full index.
        try OutputWriter.writeRenamed(Self.bytes(made.entries, keys: made.keys, executable: executable),
                                      to: file.lastPathComponent, in: folder)
        return true
    }

    // MARK: Keys

    /// The digest (`ContentDigest`) of everything an entry is made of (`SearchEntry.init`): two documents
    /// with the same key have the same entry, whichever build made it.
    struct Key: Hashable, Sendable {
        /// The digest's 32 hexadecimal digits, as bytes: what the file holds.
        let digits: [UInt8]

        init(title: String, html: String, headings: [String], url: String, kind: String, date: String) {
            self.init(title: title, htmlDigest: ContentDigest(html), headings: headings, url: url, kind: kind, date: date)
        }

        init(title: String, htmlDigest: ContentDigest, headings: [String], url: String, kind: String, date: String) {
            // The short parts each with its length before it, so that no two lists of parts read the same,
            // then the HTML's own digest: the HTML is nearly all of it, read eight bytes at a time.
            var text = ""
            func add(_ part: String) { text += "\(part.utf8.count):\(part)" }
            add(title)
            add(String(headings.count))
            for heading in headings { add(heading) }
            add(url)
            add(kind)
            add(date)
            add(htmlDigest.hex)
            digits = Array(ContentDigest(text).hex.utf8)
        }

        fileprivate init(digits: [UInt8]) { self.digits = digits }
    }

    /// A key and the store's own digest are each 32 hexadecimal digits.
    static let keyLength = 32, digestLength = 32

    // MARK: The file

    /// The store's bytes for `entries`, each with its key.
    static func bytes(_ entries: [SearchEntry], keys: [Key], executable: String, version: Int = formatVersion) -> [UInt8] {
        precondition(entries.count == keys.count, "an entry without its key")
        // Terms are stored by their number in one vocabulary: the build's, which holds only the terms of its
        // entries (a term is numbered when a document that has it is read or taken from the store).
        let vocabulary = entries.first?.vocabulary ?? SearchVocabulary()
        let entries = entries.map { $0.renumbered(in: vocabulary) }
        let terms = vocabulary.allTerms
        var out = header(version: version)
        out.reserveCapacity(terms.count * 12 + entries.reduce(0) { $0 + 64 + $1.excerpt.utf8.count + 4 * $1.packedTerms.count })
        func append(_ number: Int) {
            // Four bytes appended: no buffer made for each number.
            let number = UInt32(number)
            out.append(UInt8(truncatingIfNeeded: number))
            out.append(UInt8(truncatingIfNeeded: number >> 8))
            out.append(UInt8(truncatingIfNeeded: number >> 16))
            out.append(UInt8(truncatingIfNeeded: number >> 24))
        }
        func append(_ text: String) {
            append(text.utf8.count)
            out.append(contentsOf: text.utf8)
        }
        append(executable)
        append(terms.count)
        for term in terms { append(term) }
        append(entries.count)
        for (entry, key) in zip(entries, keys) {
            out.append(contentsOf: key.digits)
            append(entry.excerpt)
            append(entry.packedTerms.count)
            // A term's number in the vocabulary is its place in the stored terms: packed as it is.
            for packed in entry.packedTerms { append(Int(packed)) }
        }
        out.append(contentsOf: digest(out[...]))
        return out
    }

    /// The digest that ends a store, of every byte before it, as its 32 hexadecimal digits.
    static func digest(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.withUnsafeBytes { ContentDigest(bytes: $0) }.hex.utf8)
    }
}

/// The entries of a store, checked whole and ready to be taken by key, their terms numbered in the build's
/// vocabulary as they are taken.
final class StoredEntries: @unchecked Sendable {
    private let vocabulary: SearchVocabulary
    private let terms: [String]
    /// Each stored entry's excerpt and where its packed terms are in `packedTerms`.
    private let entries: [SearchEntryStore.Key: (excerpt: String, terms: Range<Int>)]
    /// Every entry's terms, one after the other: place in `terms` << 6 | weight.
    private let packedTerms: [UInt32]
    private let lock = NSLock()
    /// The vocabulary's number for each stored term, once an entry taken has it (`unnumbered` until then),
    /// so that terms no document has any more are not carried into the vocabulary and the next store.
    private var numbers: [UInt32]
    private static let unnumbered = UInt32.max

    var count: Int { entries.count }

    /// nil unless `bytes` is a whole store of this format by `executable`, every part where it should be.
    init?(parsing bytes: [UInt8], executable: String, vocabulary: SearchVocabulary) {
        let header = SearchEntryStore.header()
        let digestStart = bytes.count - SearchEntryStore.digestLength
        guard digestStart >= header.count, bytes[..<header.count].elementsEqual(header) else { return nil }
        // The digest first: a store changed anywhere, by a torn write or a flipped bit, is not read further.
        guard bytes[digestStart...].elementsEqual(SearchEntryStore.digest(bytes[..<digestStart])) else { return nil }

        var reader = StoreReader(bytes: bytes, offset: header.count, end: digestStart)
        guard reader.text() == executable, let termCount = reader.count(atLeast: 4) else { return nil }
        var terms: [String] = []
        terms.reserveCapacity(termCount)
        for _ in 0..<termCount {
            guard let term = reader.text() else { return nil }
            terms.append(term)
        }
        // The smallest entry is its key and two counts.
        guard let entryCount = reader.count(atLeast: SearchEntryStore.keyLength + 8) else { return nil }
        var entries: [SearchEntryStore.Key: (excerpt: String, terms: Range<Int>)] = [:]
        entries.reserveCapacity(entryCount)
        var packedTerms: [UInt32] = []
        for _ in 0..<entryCount {
            guard let key = reader.bytes(SearchEntryStore.keyLength), let excerpt = reader.text(),
                  let count = reader.count(atLeast: 4) else { return nil }
            let start = packedTerms.count
            for _ in 0..<count {
                guard let packed = reader.number(), Int(SearchEntry.number(packed)) < terms.count,
                      (1...SearchEntry.maximumWeight).contains(SearchEntry.weight(packed)) else { return nil }
                packedTerms.append(packed)
            }
            // Two documents made of the same are one entry: the first is kept.
            let digits = SearchEntryStore.Key(digits: Array(key))
            if entries[digits] == nil { entries[digits] = (excerpt, start..<packedTerms.count) }
        }
        guard reader.isAtEnd else { return nil }
        self.vocabulary = vocabulary
        self.terms = terms
        self.entries = entries
        self.packedTerms = packedTerms
        numbers = [UInt32](repeating: Self.unnumbered, count: terms.count)
    }

    /// The entry stored under `key`, at the given place; nil when none is.
    func entry(for key: SearchEntryStore.Key, url: String, kind: String, title: String, date: String) -> SearchEntry? {
        guard let stored = entries[key] else { return nil }
        let packed = lock.withLock {
            packedTerms[stored.terms].map { packed -> UInt32 in
                let place = Int(SearchEntry.number(packed))
                if numbers[place] == Self.unnumbered { numbers[place] = vocabulary.number(for: terms[place]) }
                return SearchEntry.pack(number: numbers[place], weight: SearchEntry.weight(packed))
            }
        }
        return SearchEntry(url: url, kind: kind, title: title, date: date, excerpt: stored.excerpt,
                           packedTerms: packed, vocabulary: vocabulary)
    }
}

/// Reads a store's parts in order, never past `end`: each read is nil where the bytes end too soon.
private struct StoreReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int

    var isAtEnd: Bool { offset == end }

    mutating func number() -> UInt32? {
        guard end - offset >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    /// A count of things each at least `size` bytes long: nil when that many cannot be in the bytes left,
    /// so that a count read from a damaged store never makes a large allocation.
    mutating func count(atLeast size: Int) -> Int? {
        guard let number = number(), Int(number) <= (end - offset) / size else { return nil }
        return Int(number)
    }

    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, end - offset >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// A text: its length, then its bytes, which must be UTF-8.
    mutating func text() -> String? {
        guard let length = count(atLeast: 1), let utf8 = bytes(length) else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }
}
