import Foundation

/// One result the index can give: where it leads, what the list shows of it, and its weighted terms.
/// Its values are held in one object: entries are copied between the cache, the index and their lists
/// on every rebuild of a preview server, and a copy is then one reference.
public struct SearchEntry: Sendable, Equatable {
    private final class Storage: Sendable {
        let url, title, kind, date, excerpt: String
        let packedTerms: [UInt32]
        let vocabulary: SearchVocabulary

        init(url: String, title: String, kind: String, date: String, excerpt: String, packedTerms: [UInt32], vocabulary: SearchVocabulary) {
            self.url = url
            self.title = title
            self.kind = kind
            self.date = date
            self.excerpt = excerpt
            self.packedTerms = packedTerms
            self.vocabulary = vocabulary
        }
    }

    private let storage: Storage

    /// From the site root, with the fragment of the exact place (an item's row on its folder's page).
    public var url: String { storage.url }
    public var title: String { storage.title }
    /// A short name the site gives the result's kind, which the reader's script shows; opaque here.
    public var kind: String { storage.kind }
    public var date: String { storage.date }
    /// The text's opening words, shown under the title.
    public var excerpt: String { storage.excerpt }
    /// The terms as numbers of `vocabulary`, each packed with its weight (`pack`), by first occurrence.
    var packedTerms: [UInt32] { storage.packedTerms }
    var vocabulary: SearchVocabulary { storage.vocabulary }

    public struct Term: Sendable, Equatable {
        public var term: String
        public var weight: Int
    }

    /// Terms, each with its weight: in the title 10, in a heading 4, in the text 1, summed, at most 52.
    public var terms: [Term] {
        packedTerms.map { Term(term: vocabulary.term(Self.number($0)), weight: Self.weight($0)) }
    }

    static let titleWeight = 10, headingWeight = 4, maximumWeight = 52
    static let excerptLength = 160

    /// A weight (1 to 52) fits in the low six bits, beside the term's number.
    static func pack(number: UInt32, weight: Int) -> UInt32 { number << 6 | UInt32(min(weight, maximumWeight)) }
    static func number(_ packed: UInt32) -> UInt32 { packed >> 6 }
    static func weight(_ packed: UInt32) -> Int { Int(packed & 63) }

    /// What the reader sees of one document: its title, and the main content as rendered (its HTML's text,
    /// headings weighing more), with the date the page shows.
    public init(url: String, kind: String, title: String, html: String, headings: [String], date: String) {
        self.init(url: url, kind: kind, title: title, html: html, headings: headings, date: date,
                  tokenizer: SearchTokenizer(vocabulary: SearchVocabulary()))
    }

    /// The same, with the terms numbered by `tokenizer`'s vocabulary.
    init(url: String, kind: String, title: String, html: String, headings: [String], date: String, tokenizer: SearchTokenizer) {
        tokenizer.add(title, weight: Self.titleWeight)
        for heading in headings { tokenizer.add(heading, weight: Self.headingWeight) }
        var html = html
        html.withUTF8 { tokenizer.add(html: $0, weight: 1) }
        tokenizer.add(date, weight: 1)
        // The excerpt needs only the text's beginning: the words up to the first that does not fit.
        storage = Storage(url: url, title: title, kind: kind, date: date,
                          excerpt: Self.excerpt(of: Self.visibleText(html, scalarsAtLeast: Self.excerptLength + 1)),
                          packedTerms: tokenizer.finishDocument(), vocabulary: tokenizer.vocabulary)
    }

    /// An entry as a store kept it (`StoredEntries`), its terms already numbered in `vocabulary`.
    init(url: String, kind: String, title: String, date: String, excerpt: String, packedTerms: [UInt32], vocabulary: SearchVocabulary) {
        storage = Storage(url: url, title: title, kind: kind, date: date, excerpt: excerpt, packedTerms: packedTerms, vocabulary: vocabulary)
    }

    /// The same entry with its terms numbered by another vocabulary.
    func renumbered(in other: SearchVocabulary) -> SearchEntry {
        guard other !== vocabulary else { return self }
        let terms = vocabulary.allTerms
        return SearchEntry(storage: Storage(
            url: url, title: title, kind: kind, date: date, excerpt: excerpt,
            packedTerms: packedTerms.map { Self.pack(number: other.number(for: terms[Int(Self.number($0))]), weight: Self.weight($0)) },
            vocabulary: other))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The same result, the same terms with the same weights.
    public static func == (a: SearchEntry, b: SearchEntry) -> Bool {
        if a.storage === b.storage { return true }
        guard a.url == b.url, a.title == b.title, a.kind == b.kind, a.date == b.date, a.excerpt == b.excerpt else { return false }
        if a.vocabulary === b.vocabulary, a.packedTerms == b.packedTerms { return true }
        guard a.packedTerms.count == b.packedTerms.count else { return false }
        func sorted(_ entry: SearchEntry) -> [String: Int] {
            Dictionary(entry.terms.map { ($0.term, $0.weight) }, uniquingKeysWith: +)
        }
        return sorted(a) == sorted(b)
    }

    /// The text of rendered HTML, as UTF-8: tags out, entities decoded. Inline tags join what they hold to the
    /// words beside them (`<em>visit</em>s`); any other tag separates words (a footnote's number from its word).
    /// Line breaks and tabs stay: readers of the text take them for spaces. With `scalarsAtLeast`, the text
    /// stops at the first space after that many scalars that are not spaces: all the excerpt needs.
    /// `SearchTokenizer.add(html:weight:)` reads words from the same text.
    static func visibleText(_ html: String, scalarsAtLeast limit: Int = .max) -> [UInt8] {
        var html = html
        return html.withUTF8 { bytes in
            // Never longer than the HTML: an entity is longer than what it stands for.
            [UInt8](unsafeUninitializedCapacity: bytes.count + 4) { out, written in
                var n = 0, i = 0, scalars = 0
                let count = bytes.count
                guard let base = bytes.baseAddress else { written = 0; return }
                let target = out.baseAddress!
                while i < count {
                    let byte = base[i]
                    if byte == UInt8(ascii: "<") {
                        let tag = tag(base, at: i, count: count)
                        i = tag.next
                        if !tag.inline {
                            if scalars > limit { break }
                            target[n] = 0x20
                            n += 1
                        }
                    } else if byte == UInt8(ascii: "&"), let entity = entity(base, at: i, count: count) {
                        for unit in entity.decoded {
                            target[n] = unit
                            n += 1
                            if unit != 0x20 && unit != 0x0A && unit != 0x09 && unit & 0xC0 != 0x80 { scalars += 1 }
                        }
                        i = entity.next
                    } else {
                        if byte == 0x20 || byte == 0x0A || byte == 0x09 {
                            if scalars > limit { break }
                        } else if byte & 0xC0 != 0x80 {
                            scalars += 1
                        }
                        target[n] = byte
                        n += 1
                        i += 1
                    }
                }
                written = n
            }
        }
    }

    /// The tag that begins at `i` (a `<`): whether it is inline, and where the text after it begins. What an
    /// opening `sup` holds is skipped: a footnote's number is no word of the text.
    @inline(__always)
    static func tag(_ base: UnsafePointer<UInt8>, at i: Int, count: Int) -> (inline: Bool, next: Int) {
        var end = i + 1
        while end < count && base[end] != UInt8(ascii: ">") { end += 1 }
        var nameStart = i + 1
        let closing = nameStart < end && base[nameStart] == UInt8(ascii: "/")
        if closing { nameStart += 1 }
        var nameEnd = nameStart
        while nameEnd < end, base[nameEnd] != 0x20, base[nameEnd] != UInt8(ascii: "/"), base[nameEnd] != 0x0A { nameEnd += 1 }
        let name = UnsafeBufferPointer(start: base + nameStart, count: nameEnd - nameStart)
        var next = end + 1
        if !closing, name.count == 3, name[0] == UInt8(ascii: "s"), name[1] == UInt8(ascii: "u"), name[2] == UInt8(ascii: "p") {
            while next + 6 <= count && !(base[next] == UInt8(ascii: "<") && base[next + 1] == UInt8(ascii: "/") && base[next + 2] == UInt8(ascii: "s")
                                        && base[next + 3] == UInt8(ascii: "u") && base[next + 4] == UInt8(ascii: "p")) { next += 1 }
        }
        return (isInlineTag(name), next)
    }

    /// a, em, strong, code, del, span, b, i, mark, abbr, s.
    private static func isInlineTag(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        func equals(_ word: StaticString) -> Bool {
            word.utf8CodeUnitCount == name.count && memcmp(word.utf8Start, name.baseAddress!, name.count) == 0
        }
        switch name.count {
        case 1: return name[0] == UInt8(ascii: "a") || name[0] == UInt8(ascii: "b") || name[0] == UInt8(ascii: "i") || name[0] == UInt8(ascii: "s")
        case 2: return equals("em")
        case 3: return equals("del")
        case 4: return equals("code") || equals("span") || equals("mark") || equals("abbr")
        case 6: return equals("strong")
        default: return false
        }
    }

    /// The character reference that begins at `i` (a `&`), decoded, and where the text after it begins; nil
    /// when it is none (then the `&` is text).
    static func entity(_ base: UnsafePointer<UInt8>, at i: Int, count: Int) -> (decoded: [UInt8], next: Int)? {
        var semicolon = i + 1
        let limit = min(count, i + 10)
        while semicolon < limit && base[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
        guard semicolon < limit else { return nil }
        let name = UnsafeBufferPointer(start: base + i + 1, count: semicolon - i - 1)
        func equals(_ word: StaticString) -> Bool {
            word.utf8CodeUnitCount == name.count && memcmp(word.utf8Start, name.baseAddress!, name.count) == 0
        }
        let decoded: [UInt8]
        if equals("amp") { decoded = [UInt8(ascii: "&")] }
        else if equals("lt") { decoded = [UInt8(ascii: "<")] }
        else if equals("gt") { decoded = [UInt8(ascii: ">")] }
        else if equals("quot") { decoded = [UInt8(ascii: "\"")] }
        else if equals("apos") { decoded = [UInt8(ascii: "'")] }
        else if equals("nbsp") { decoded = [0x20] }
        else {
            guard name.first == UInt8(ascii: "#") else { return nil }
            let digits = String(decoding: UnsafeBufferPointer(rebasing: name.dropFirst()), as: UTF8.self)
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let scalar = value.flatMap(Unicode.Scalar.init) else { return nil }
            decoded = Array(String(Character(scalar)).utf8)
        }
        return (decoded, semicolon + 1)
    }

    /// The first words of the text, white space collapsed, cut at a word's end.
    static func excerpt(of text: [UInt8]) -> String {
        // On bytes, the length counted in scalars: words are cut at spaces, line breaks and tabs.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 }
        var out: [UInt8] = []
        var length = 0, i = 0
        while i < text.count {
            while i < text.count && isSpace(text[i]) { i += 1 }
            let start = i
            var scalars = 0
            while i < text.count && !isSpace(text[i]) {
                if text[i] & 0xC0 != 0x80 { scalars += 1 }
                i += 1
            }
            if start == i { break }
            let separator = out.isEmpty ? 0 : 1
            if length + scalars + separator > excerptLength {
                out += " …".utf8
                break
            }
            length += scalars + separator
            if separator == 1 { out.append(0x20) }
            out += text[start..<i]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
