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
    /// Terms sorted, each with its weight: in the title 10, in a heading 4, in the text 1, summed, at most 52.
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
        var weights: [String: Int] = [:]
        func add(_ text: String, _ weight: Int) {
            SearchText.forEachWord(in: text) { word in
                if let term = SearchText.term(word) { weights[term, default: 0] += weight }
            }
        }
        add(title, Self.titleWeight)
        for heading in headings { add(heading, Self.headingWeight) }
        add(text, 1)
        add(date, 1)
        terms = weights.map { Term(term: $0.key, weight: min($0.value, Self.maximumWeight)) }.sorted { $0.term < $1.term }
    }

    /// The text of rendered HTML: tags out, entities decoded. Inline tags join what they hold to the words
    /// beside them (`<em>visit</em>s`); any other tag separates words (a footnote's number from its word).
    static func visibleText(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<") {
                var end = i + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: ">") { end += 1 }
                var nameStart = i + 1
                if nameStart < end && bytes[nameStart] == UInt8(ascii: "/") { nameStart += 1 }
                var nameEnd = nameStart
                while nameEnd < end, bytes[nameEnd] != 0x20, bytes[nameEnd] != UInt8(ascii: "/"), bytes[nameEnd] != 0x0A { nameEnd += 1 }
                if !inlineTags.contains(Array(bytes[nameStart..<nameEnd])) { out.append(0x20) }
                i = end + 1
                // A footnote's number is no word of the text: what an opening `sup` holds is skipped.
                if bytes[nameStart - 1] == UInt8(ascii: "<"),
                   bytes[nameStart..<nameEnd].elementsEqual("sup".utf8) {
                    let close = Array("</sup>".utf8)
                    var at = i
                    while at + close.count <= bytes.count && !bytes[at..<(at + close.count)].elementsEqual(close) { at += 1 }
                    i = at
                }
            } else if byte == UInt8(ascii: "&"), let semicolon = bytes[i..<min(bytes.count, i + 10)].firstIndex(of: UInt8(ascii: ";")) {
                let name = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
                if let decoded = Self.entity(name) {
                    out += Array(decoded.utf8)
                    i = semicolon + 1
                } else {
                    out.append(byte)
                    i += 1
                }
            } else {
                out.append(byte == 0x0A || byte == 0x09 ? 0x20 : byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let inlineTags: Set<[UInt8]> = Set(["a", "em", "strong", "code", "del", "span", "b", "i", "mark", "abbr", "s"].map { Array($0.utf8) })

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
    static func excerpt(of text: String) -> String {
        let words = text.split(whereSeparator: { $0 == " " })
        var excerpt = ""
        for word in words {
            if excerpt.count + word.count + 1 > excerptLength { return excerpt + " …" }
            if !excerpt.isEmpty { excerpt += " " }
            excerpt += word
        }
        return excerpt
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
    static let minimumGroupSize = 64
    static let maximumGroups = 256
    /// One character for each weight from 1 to 52, so a posting needs no separator: a weight, then the
    /// distance from the previous document's number in decimal digits.
    static let weightCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    public static func groupSize(documents: Int) -> Int {
        max(minimumGroupSize, (documents + maximumGroups - 1) / maximumGroups)
    }

    /// Every term's postings, encoded: documents in the entries' order.
    static func postings(_ entries: [SearchEntry]) -> [(term: String, postings: String)] {
        var lists: [String: [UInt8]] = [:]
        var previous: [String: Int] = [:]
        for (number, entry) in entries.enumerated() {
            for term in entry.terms {
                let gap = number - (previous[term.term] ?? 0)
                previous[term.term] = number
                lists[term.term, default: []].append(weightCharacters[term.weight - 1])
                lists[term.term, default: []] += Array(String(gap).utf8)
            }
        }
        return lists.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }.sorted { $0.term < $1.term }
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
    public static func files(_ entries: [SearchEntry]) -> [OutputFile] {
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
        for key in keys {
            var text = "sitegenSearch.shard(\(json(key)),{"
            text += shards[key]!.map { json($0.term) + ":" + json($0.postings) }.joined(separator: ",\n")
            text += "});\n"
            files.append(OutputFile(path: folder + "t/\(key).js", contents: .text(text)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, and `<` so that no text can end a
    /// script element.
    static func json(_ text: String) -> String {
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
