import Foundation

/// The search index as files: a head naming the shards, the shards of terms, and the table of documents
/// in groups. A query loads the head, the shards its words' first letters name, and the groups of the
/// results it shows: never the whole index. Every file is a script calling `sitegenSearch`, so that script
/// tags load it from a web server and from `file://` alike.
public enum SearchIndex {
    /// The folder of the index in the output.
    public static let folder = "search-index/"
    /// A shard larger than this is split by one more letter of its terms, down to three letters.
    static let shardLimit = 12_000
    static let maximumKeyLength = 3
    /// Documents per group of the table: at least this many, and never more than `maximumGroups` groups.
    static let minimumGroupSize = 32
    static let maximumGroups = 256
    /// One character for each weight from 1 to 52, so a posting needs no separator: a weight, then the
    /// distance from the previous document's number in decimal digits.
    static let weightCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    public static func groupSize(documents: Int) -> Int {
        max(minimumGroupSize, (documents + maximumGroups - 1) / maximumGroups)
    }

    /// The index's files, in path order. Inside a preview server's rebuild (`SearchEntryCache.current`),
    /// made from the index it made last: only what the changed entries touch is made again.
    public static func files(_ entries: [SearchEntry], jobs: Int = 1) -> [OutputFile] {
        guard let cache = SearchEntryCache.current else {
            return SearchIndexState(entries: entries, jobs: jobs).files
        }
        // Taken out of the cache while it changes, so that it changes in place rather than as a copy.
        var state = cache.takeIndex()
        if state == nil { state = SearchIndexState(entries: entries, jobs: jobs) } else { state!.update(to: entries, jobs: jobs) }
        cache.index = state
        return state!.files
    }

    // MARK: Postings

    /// Appends one posting: the weight's character, then the gap in decimal digits.
    static func appendPosting(_ list: inout [UInt8], weight: Int, gap: Int) {
        list.append(weightCharacters[weight - 1])
        if gap < 10 {
            list.append(UInt8(0x30 + gap))
            return
        }
        var divisor = 10
        while divisor * 10 <= gap { divisor *= 10 }
        var rest = gap
        while divisor > 0 {
            list.append(UInt8(0x30 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Every term's postings by the term's number: documents in the entries' order. Each of `jobs` threads
    /// encodes the terms whose number it is given (number modulo `jobs`), reading every entry.
    static func encodedPostings(_ entries: [SearchEntry], terms: Int, jobs: Int = 1) -> [[UInt8]] {
        let workers = max(1, min(jobs, terms))
        let parts = Parallel.map(Array(0..<workers), jobs: workers) { worker -> [[UInt8]] in
            // Lists and previous documents of this worker's terms, at number / workers.
            let own = (terms - worker + workers - 1) / workers
            var lists = [[UInt8]](repeating: [], count: own)
            var previous = [Int](repeating: 0, count: own)
            // A million postings at 10,000 pages: the outer arrays' checks are taken once.
            lists.withUnsafeMutableBufferPointer { lists in
                previous.withUnsafeMutableBufferPointer { previous in
                    for (document, entry) in entries.enumerated() {
                        for packed in entry.packedTerms {
                            let number = Int(SearchEntry.number(packed))
                            guard number % workers == worker else { continue }
                            let slot = number / workers
                            appendPosting(&lists[slot], weight: SearchEntry.weight(packed), gap: document - previous[slot])
                            previous[slot] = document
                        }
                    }
                }
            }
            return lists
        }
        return (0..<terms).map { parts[$0 % workers][$0 / workers] }
    }

    /// The (document, weight) pairs of an encoded list, in document order.
    static func decodedPostings(_ list: [UInt8]) -> [(document: Int, weight: Int)] {
        var postings: [(document: Int, weight: Int)] = []
        var document = 0, i = 0
        while i < list.count {
            let character = list[i]
            let weight = character >= UInt8(ascii: "a") ? Int(character - UInt8(ascii: "a")) + 27 : Int(character - UInt8(ascii: "A")) + 1
            i += 1
            var gap = 0
            while i < list.count, list[i] >= 0x30, list[i] <= 0x39 {
                gap = gap * 10 + Int(list[i] - 0x30)
                i += 1
            }
            document += gap
            postings.append((document, weight))
        }
        return postings
    }

    static func encoded(_ postings: [(document: Int, weight: Int)]) -> [UInt8] {
        var list: [UInt8] = []
        var previous = 0
        for posting in postings {
            appendPosting(&list, weight: posting.weight, gap: posting.document - previous)
            previous = posting.document
        }
        return list
    }

    // MARK: Shards

    /// Terms by shard: a shard is named by the first letters of its terms (`SearchText.key`), one letter at
    /// first, one more while it is larger than `shardLimit`; a term too short for the longer name stays in
    /// the shorter one. A term is in the shard with the longest name that begins its own.
    static func shards(_ postings: [(term: String, postings: String)], limit: Int = shardLimit) -> [String: [(term: String, postings: String)]] {
        let terms = postings.map { ShardTerm($0.term) }
        let sizes = postings.map { $0.term.utf8.count + $0.postings.utf8.count + 6 }
        var byFirst: [String: [Int]] = [:]
        for (index, term) in terms.enumerated() { byFirst[term.key(1), default: []].append(index) }
        var shards: [String: [(term: String, postings: String)]] = [:]
        for (first, indices) in byFirst {
            for (key, members) in layout(indices, key: first, terms: { terms[$0] }, size: { sizes[$0] }, limit: limit) {
                shards[key] = members.map { postings[$0] }
            }
        }
        return shards
    }

    /// What the shard layout needs of a term: its first key characters and whether it is longer.
    struct ShardTerm {
        /// `SearchText.key(term, length: maximumKeyLength)`: ASCII, one byte a key character.
        let longestKey: [UInt8]
        /// Its length in scalars, counted up to `maximumKeyLength + 1`.
        let length: Int

        init(_ term: String) {
            var length = 0
            var key: [UInt8] = []
            key.reserveCapacity(maximumKeyLength)
            for scalar in term.unicodeScalars {
                // `SearchText.keyCharacter`: a–z and 0–9 as they are, anything else `_`.
                if length < maximumKeyLength {
                    let value = scalar.value
                    key.append((value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) ? UInt8(value) : UInt8(ascii: "_"))
                }
                length += 1
                if length > maximumKeyLength { break }
            }
            longestKey = key
            self.length = length
        }

        func key(_ length: Int) -> String { String(decoding: longestKey.prefix(length), as: UTF8.self) }
    }

    /// The shards of the terms whose one-letter key is `key`, given in term order: shard name → its terms
    /// in the same order.
    static func layout<Item>(_ items: [Item], key: String, terms: (Item) -> ShardTerm, size: (Item) -> Int,
                             limit: Int = shardLimit) -> [(key: String, items: [Item])] {
        var shards: [(key: String, items: [Item])] = []
        func place(_ items: [Item], key: String, length: Int) {
            if length == maximumKeyLength || items.reduce(0, { $0 + size($1) }) <= limit {
                shards.append((key, items))
                return
            }
            var short: [Item] = []
            var children: [String: [Item]] = [:]
            var order: [String] = []
            for item in items {
                let term = terms(item)
                if term.length <= length {
                    short.append(item)
                } else {
                    let child = term.key(length + 1)
                    if children[child] == nil { order.append(child) }
                    children[child, default: []].append(item)
                }
            }
            if !short.isEmpty { shards.append((key, short)) }
            for child in order { place(children[child]!, key: child, length: length + 1) }
        }
        place(items, key: key, length: 1)
        return shards
    }

    /// The shards a query loads for one word: the one that may hold its term, and while the word is being
    /// typed every one that may hold a term beginning with it. The reader's script (`shardsFor`) does the same.
    public static func shardKeys(term: String, prefix: String?, among keys: [String]) -> [String] {
        func holder(_ key: String) -> [String] {
            keys.filter { key.hasPrefix($0) }.max { $0.count < $1.count }.map { [$0] } ?? []
        }
        var found = holder(SearchText.key(term, length: maximumKeyLength))
        if let prefix {
            let key = SearchText.key(prefix, length: maximumKeyLength)
            found += holder(key) + keys.filter { $0.hasPrefix(key) }
        }
        return Array(Set(found)).sorted()
    }

    // MARK: Files

    static func headFile(documents: Int, shardKeys: [String]) -> [UInt8] {
        var text: [UInt8] = []
        text += "sitegenSearch.head({\"documents\":\(documents),\"group\":\(groupSize(documents: documents)),\"shards\":[".utf8
        for (index, key) in shardKeys.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            appendJSON(key, to: &text)
        }
        text += "]});\n".utf8
        return text
    }

    /// Group `group` of the document table: each document's URL, title, kind, date and excerpt.
    static func tableFile(_ entries: ArraySlice<SearchEntry>, group: Int) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(entries.count * 320)
        text += "sitegenSearch.documents(\(group),[".utf8
        for (index, entry) in entries.enumerated() {
            if index > 0 { text += ",\n".utf8 }
            text.append(UInt8(ascii: "["))
            for (field, value) in [entry.url, entry.title, entry.kind, entry.date, entry.excerpt].enumerated() {
                if field > 0 { text.append(UInt8(ascii: ",")) }
                appendJSON(value, to: &text)
            }
            text.append(UInt8(ascii: "]"))
        }
        text += "]);\n".utf8
        return text
    }

    static func shardFile(key: String, terms: [(term: String, postings: [UInt8])]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(terms.reduce(key.utf8.count + 32) { $0 + $1.term.utf8.count + $1.postings.count + 6 })
        text += "sitegenSearch.shard(".utf8
        appendJSON(key, to: &text)
        text += ",{".utf8
        for (index, item) in terms.enumerated() {
            if index > 0 { text += ",\n".utf8 }
            appendJSON(item.term, to: &text)
            text += ":\"".utf8
            // Weight letters and digits: nothing to escape.
            text += item.postings
            text.append(UInt8(ascii: "\""))
        }
        text += "});\n".utf8
        return text
    }

    /// A JSON string: quotes, backslashes and control characters escaped, and `<` so that no text can end a
    /// script element.
    static func json(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendJSON(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendJSON(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var i = 0
            let count = bytes.count
            while i < count {
                // Most of a text needs nothing escaped: copied a run at a time.
                var run = i
                while run < count, bytes[run] >= 0x20, bytes[run] != UInt8(ascii: "\""), bytes[run] != UInt8(ascii: "\\"),
                      bytes[run] != UInt8(ascii: "<"), bytes[run] != 0xE2 { run += 1 }
                if run > i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<run])) }
                i = run
                guard i < count else { break }
                let byte = bytes[i]
                switch byte {
                case UInt8(ascii: "\""): out += "\\\"".utf8
                case UInt8(ascii: "\\"): out += "\\\\".utf8
                case UInt8(ascii: "<"): out += "\\u003c".utf8
                case 0xE2:
                    // U+2028 and U+2029 end a line in a script: escaped.
                    if i + 2 < count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                        out += (bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8
                        i += 3
                        continue
                    }
                    out.append(byte)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += "\\u00".utf8
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 15)])
                }
                i += 1
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
