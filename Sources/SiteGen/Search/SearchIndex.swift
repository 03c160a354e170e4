import Foundation

/// One result the index can give: where it leads, what the list shows of it, and its weighted terms.
public struct SearchEntry: Sendable, Equatable {
    /// From the site root, with the fragment of the exact place (an event's row on the timeline).
    public var url: String
    public var title: String
    /// What the reader's script names it: `e` an event, `c` a chief of mission, `p` any page.
    public var kind: String
    public var date: String
    /// The text's opening words, shown under the title.
    public var excerpt: String
    /// Terms, each with its weight: in the title 10, in a heading 4, in the text 1, summed, at most 52.
    public var terms: [Term]

    public struct Term: Sendable, Equatable {
        public var term: String
        public var weight: Int
    }

    static let titleWeight = 10, headingWeight = 4, maximumWeight = 52
    static let excerptLength = 160

    /// What the reader sees of one document: its title, and the main content as rendered (its HTML's text,
    /// headings weighing more), with the date the page shows.
    public init(url: String, kind: String, title: String, html: String, headings: [String], date: String) {
        self.url = url
        self.kind = kind
        self.title = title
        self.date = date
        let text = Self.visibleText(html)
        excerpt = Self.excerpt(of: text)
        // By word first, on bytes: each distinct word of the page becomes a String and is stemmed once.
        var tally = WordTally()
        func add(_ text: String, _ weight: Int) {
            var text = text
            text.withUTF8 { bytes in SearchText.forEachWord(inUTF8: bytes) { tally.add($0, weight: weight) } }
        }
        add(title, Self.titleWeight)
        for heading in headings { add(heading, Self.headingWeight) }
        text.withUnsafeBufferPointer { bytes in SearchText.forEachWord(inUTF8: bytes) { tally.add($0, weight: 1) } }
        add(date, 1)
        var weights: [String: Int] = [:]
        tally.forEach { word, weight in
            if let term = SearchText.term(word) { weights[term, default: 0] += weight }
        }
        // In no order: the index sorts its terms once, not each page's.
        terms = weights.map { Term(term: $0.key, weight: min($0.value, Self.maximumWeight)) }
    }

    /// The text of rendered HTML, as UTF-8: tags out, entities decoded. Inline tags join what they hold to the
    /// words beside them (`<em>visit</em>s`); any other tag separates words (a footnote's number from its word).
    static func visibleText(_ html: String) -> [UInt8] {
        var html = html
        return html.withUTF8 { bytes in
            // Never longer than the HTML: an entity is longer than what it stands for.
            [UInt8](unsafeUninitializedCapacity: bytes.count + 4) { out, written in
                var n = 0, i = 0
                let count = bytes.count
                while i < count {
                    let byte = bytes[i]
                    if byte == UInt8(ascii: "<") {
                        var end = i + 1
                        while end < count && bytes[end] != UInt8(ascii: ">") { end += 1 }
                        var nameStart = i + 1
                        let closing = nameStart < end && bytes[nameStart] == UInt8(ascii: "/")
                        if closing { nameStart += 1 }
                        var nameEnd = nameStart
                        while nameEnd < end, bytes[nameEnd] != 0x20, bytes[nameEnd] != UInt8(ascii: "/"), bytes[nameEnd] != 0x0A { nameEnd += 1 }
                        let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
                        if !isInlineTag(name) { out[n] = 0x20; n += 1 }
                        i = end + 1
                        // A footnote's number is no word of the text: what an opening `sup` holds is skipped.
                        if !closing, name.elementsEqual("sup".utf8) {
                            while i + 6 <= count && !(bytes[i] == UInt8(ascii: "<") && bytes[i + 1] == UInt8(ascii: "/") && bytes[i + 2] == UInt8(ascii: "s")
                                                     && bytes[i + 3] == UInt8(ascii: "u") && bytes[i + 4] == UInt8(ascii: "p")) { i += 1 }
                        }
                    } else if byte == UInt8(ascii: "&"), let semicolon = (i..<min(count, i + 10)).first(where: { bytes[$0] == UInt8(ascii: ";") }),
                              let decoded = entity(String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)..<semicolon]), as: UTF8.self)) {
                        for unit in decoded.utf8 { out[n] = unit; n += 1 }
                        i = semicolon + 1
                    } else {
                        out[n] = byte == 0x0A || byte == 0x09 ? 0x20 : byte
                        n += 1
                        i += 1
                    }
                }
                written = n
            }
        }
    }

    private static let inlineTags: [[UInt8]] = ["a", "em", "strong", "code", "del", "span", "b", "i", "mark", "abbr", "s"].map { Array($0.utf8) }

    private static func isInlineTag(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count <= 6 && inlineTags.contains { $0.count == name.count && $0.elementsEqual(name) }
    }

    private static func entity(_ name: String) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }

    /// The first words of the text, white space collapsed, cut at a word's end.
    static func excerpt(of text: [UInt8]) -> String {
        // On bytes, the length counted in scalars: words are cut at spaces.
        var words: [Range<Int>] = []
        var length = 0, i = 0
        while i < text.count {
            while i < text.count && text[i] == 0x20 { i += 1 }
            let start = i
            var scalars = 0
            while i < text.count && text[i] != 0x20 {
                if text[i] & 0xC0 != 0x80 { scalars += 1 }
                i += 1
            }
            if start == i { break }
            if length + scalars + (words.isEmpty ? 0 : 1) > excerptLength {
                return words.map { String(decoding: text[$0], as: UTF8.self) }.joined(separator: " ") + " …"
            }
            length += scalars + (words.isEmpty ? 0 : 1)
            words.append(start..<i)
        }
        return words.map { String(decoding: text[$0], as: UTF8.self) }.joined(separator: " ")
    }
}

/// Folded words with their summed weights, counted on their bytes (open addressing, FNV-1a): each distinct
/// word becomes a String once, however often the page has it.
struct WordTally {
    private var text: [UInt8] = []
    private var words: [(start: Int, count: Int, hash: UInt32, weight: Int)] = []
    private var slots = [Int32](repeating: -1, count: 256)

    mutating func add(_ word: UnsafeBufferPointer<UInt8>, weight: Int) {
        var hash: UInt32 = 2_166_136_261
        for byte in word { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            let known = words[index]
            if known.hash == hash, known.count == word.count,
               text.withUnsafeBufferPointer({ memcmp($0.baseAddress! + known.start, word.baseAddress!, word.count) == 0 }) {
                words[index].weight += weight
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(words.count)
        words.append((text.count, word.count, hash, weight))
        text.append(contentsOf: word)
        if words.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, word) in words.enumerated() {
            var slot = Int(word.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    func forEach(_ body: (String, Int) -> Void) {
        for word in words { body(String(decoding: text[word.start..<(word.start + word.count)], as: UTF8.self), word.weight) }
    }
}

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

    /// Every term's postings, encoded: documents in the entries' order.
    static func postings(_ entries: [SearchEntry]) -> [(term: String, postings: String)] {
        // One lookup per posting: the term's number, then arrays by number.
        var numbers: [String: Int] = [:]
        var lists: [[UInt8]] = [], previous: [Int] = []
        for (document, entry) in entries.enumerated() {
            for term in entry.terms {
                let number: Int
                if let known = numbers[term.term] {
                    number = known
                } else {
                    number = lists.count
                    numbers[term.term] = number
                    lists.append([])
                    previous.append(0)
                }
                lists[number].append(weightCharacters[term.weight - 1])
                var gap = document - previous[number], divisor = 1
                while divisor * 10 <= gap { divisor *= 10 }
                while divisor > 0 {
                    lists[number].append(UInt8(0x30 + gap / divisor))
                    gap %= divisor
                    divisor /= 10
                }
                previous[number] = document
            }
        }
        return numbers.map { ($0.key, String(decoding: lists[$0.value], as: UTF8.self)) }.sorted { $0.term < $1.term }
    }

    /// Terms by shard: a shard is named by the first letters of its terms (`SearchText.key`), one letter at
    /// first, one more while it is larger than `shardLimit`; a term too short for the longer name stays in
    /// the shorter one. A term is in the shard with the longest name that begins its own.
    static func shards(_ postings: [(term: String, postings: String)], limit: Int = shardLimit) -> [String: [(term: String, postings: String)]] {
        var shards: [String: [(term: String, postings: String)]] = [:]
        func place(_ items: [(term: String, postings: String)], key: String, length: Int) {
            let size = items.reduce(0) { $0 + $1.term.utf8.count + $1.postings.utf8.count + 6 }
            if size <= limit || length == maximumKeyLength {
                shards[key] = items
                return
            }
            let short = items.filter { $0.term.unicodeScalars.count <= length }
            if !short.isEmpty { shards[key] = short }
            var children: [String: [(term: String, postings: String)]] = [:]
            for item in items where item.term.unicodeScalars.count > length {
                children[SearchText.key(item.term, length: length + 1), default: []].append(item)
            }
            for (child, items) in children { place(items, key: child, length: length + 1) }
        }
        var first: [String: [(term: String, postings: String)]] = [:]
        for item in postings { first[SearchText.key(item.term, length: 1), default: []].append(item) }
        for (key, items) in first { place(items, key: key, length: 1) }
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

    /// The index's files, in path order.
    public static func files(_ entries: [SearchEntry], jobs: Int = 1) -> [OutputFile] {
        let shards = shards(postings(entries))
        let keys = shards.keys.sorted()
        let group = groupSize(documents: entries.count)
        var files: [OutputFile] = []
        var head = "sitegenSearch.head({\"documents\":\(entries.count),\"group\":\(group),\"shards\":["
        head += keys.map(json).joined(separator: ",") + "]});\n"
        files.append(OutputFile(path: folder + "head.js", contents: .text(head)))
        for start in stride(from: 0, to: entries.count, by: group) {
            var text = "sitegenSearch.documents(\(start / group),["
            text += entries[start..<min(entries.count, start + group)].map { entry in
                "[" + [entry.url, entry.title, entry.kind, entry.date, entry.excerpt].map(json).joined(separator: ",") + "]"
            }.joined(separator: ",\n")
            text += "]);\n"
            files.append(OutputFile(path: folder + "d/\(start / group).js", contents: .text(text)))
        }
        files += Parallel.map(keys, jobs: jobs) { key in
            var text = "sitegenSearch.shard(\(json(key)),{"
            text += shards[key]!.map { json($0.term) + ":" + json($0.postings) }.joined(separator: ",\n")
            text += "});\n"
            return OutputFile(path: folder + "t/\(key).js", contents: .text(text))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, and `<` so that no text can end a
    /// script element.
    static func json(_ text: String) -> String {
        // Terms and postings are letters and digits: nothing to escape.
        if text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
