/// Sources typed once and cited by key: the items of the collection declared `citable: true`, each keyed by its
/// file name (`sources/reuters-2012-03-26.md` is `reuters-2012-03-26`). A page cites one as `[^@KEY]`, or with a
/// pinpoint as `[^@KEY, p. 12]` (all after the first comma). The parse phase adds each cited label's footnote
/// definition, its text made from the source's fields, before cmark-gfm reads the page: cmark-gfm numbers the
/// notes, and the same label cited twice is one note with two back-links.
///
/// The fields a note is made of, each used when the collection declares it and the source has it: `authors`,
/// `publisher`, `title` (linked to `url`, else `archive_url`), `date`, the pinpoint, `archive_url` (as "archived
/// copy" beside `url`), `accessed`.
public struct SourceRegistry: Sendable {
    /// The citable collection, if the site declares one.
    public let collection: ContentCollection?
    /// Each source by key.
    public let sources: [String: Document]

    public static let none = SourceRegistry(collection: nil, sources: [:])

    public init(collection: ContentCollection?, sources: [String: Document]) {
        self.collection = collection
        self.sources = sources
    }

    /// The registry of parsed documents: the citable collection's items by key.
    public init(collections: Collections, documents: [Document]) {
        let collection = collections.all.first { $0.citable }
        var sources: [String: Document] = [:]
        if let collection {
            for document in documents where document.collection == collection.name && document.isItem {
                sources[SitePath.fileStem(document.path)] = document
            }
        }
        self.init(collection: collection, sources: sources)
    }

    /// The content files of the citable collection (parsed first: the others' notes are made of them), and the rest.
    public static func partition(_ paths: [String], collections: Collections) -> (sources: [String], others: [String]) {
        guard collections.all.contains(where: \.citable) else { return ([], paths) }
        var sources: [String] = [], others: [String] = []
        for path in paths {
            if case .item(let collection) = collections.place(of: path), collection.citable { sources.append(path) } else { others.append(path) }
        }
        return (sources, others)
    }

    /// Kinds of source that have no address to follow: a source of another kind without `url` or `archive_url`
    /// is a warning.
    public static let kindsWithoutAddress: Set<String> = ["book", "print", "interview"]

    /// One citation as written: `[^@KEY, pinpoint]`, where it starts in the file.
    struct Citation {
        var label: String
        var key: String
        var pinpoint: String?
        var location: SourceLocation
        /// The bytes of the label (after `[^`, before `]`) in the body.
        var range: Range<Int>
    }

    /// Every citation of a Markdown body, in order (the same label may appear more than once); none inside
    /// code, fenced or between backticks, where `[^@KEY]` is text to show.
    static func citations(in markdown: String, firstLine: Int) -> [Citation] {
        guard markdown.utf8.contains(UInt8(ascii: "@")) else { return [] }
        let bytes = Array(markdown.utf8)
        let backtick = UInt8(ascii: "`")
        var found: [Citation] = []
        var line = firstLine, lineStart = 0
        var index = 0
        var fence: UInt8?  // the fence's character while inside a fenced code block
        func startsFence(at start: Int) -> UInt8? {
            var at = start
            while at < bytes.count, bytes[at] == UInt8(ascii: " "), at - start < 3 { at += 1 }
            guard at + 2 < bytes.count, bytes[at] == backtick || bytes[at] == UInt8(ascii: "~"),
                  bytes[at + 1] == bytes[at], bytes[at + 2] == bytes[at] else { return nil }
            return bytes[at]
        }
        if let mark = startsFence(at: 0) { fence = mark }
        while index + 3 < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
                index += 1
                if let mark = startsFence(at: index) { fence = fence == nil ? mark : (fence == mark ? nil : fence) }
                continue
            }
            if fence != nil {
                index += 1
                continue
            }
            if bytes[index] == backtick {
                // A code span: from a run of backticks to the next run of the same length.
                var run = 0
                while index + run < bytes.count, bytes[index + run] == backtick { run += 1 }
                var close = index + run
                var closed = false
                while close < bytes.count {
                    if bytes[close] == backtick {
                        var length = 0
                        while close + length < bytes.count, bytes[close + length] == backtick { length += 1 }
                        if length == run { closed = true; break }
                        close += length
                    } else {
                        close += 1
                    }
                }
                guard closed else {
                    index += run
                    continue
                }
                for newline in bytes[index..<close] where newline == UInt8(ascii: "\n") { line += 1 }
                if let last = bytes[index..<close].lastIndex(of: UInt8(ascii: "\n")) { lineStart = last + 1 }
                index = close + run
                continue
            }
            guard bytes[index] == UInt8(ascii: "["), bytes[index + 1] == UInt8(ascii: "^"), bytes[index + 2] == UInt8(ascii: "@") else {
                index += 1
                continue
            }
            // The label runs to the first `]` on the line; a `[` or a line end first means no citation here.
            var end = index + 3
            while end < bytes.count, bytes[end] != UInt8(ascii: "]"), bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "[") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "]") else {
                index += 1
                continue
            }
            // `[^@key]: …` is a definition written by hand, not a citation.
            if end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: ":") {
                index = end + 1
                continue
            }
            let label = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
            let inside = label.dropFirst()
            let comma = inside.firstIndex(of: ",")
            let key = String(inside[..<(comma ?? inside.endIndex)]).trimmingCharacters(in: .whitespaces)
            let pinpoint = comma.map { String(inside[inside.index(after: $0)...]).trimmingCharacters(in: .whitespaces) }
            let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).unicodeScalars.count + 1
            found.append(Citation(label: label, key: key, pinpoint: pinpoint?.isEmpty == true ? nil : pinpoint,
                                  location: SourceLocation(line: line, column: column), range: (index + 2)..<end))
            index = end + 1
        }
        return found
    }

    /// The body with its citations' notes added as footnote definitions, the keys it cites (each once, sorted),
    /// and an error for each citation of a key the registry does not have. cmark-gfm takes no space in a note's
    /// label, so a citation with a pinpoint gets a label of its own without one (`@KEY:2`, the key's second
    /// pinpoint); the same pinpoint cited again gets the same label, hence the same note.
    func cited(_ markdown: String, firstLine: Int, displayPath: String) -> (markdown: String, keys: [String], problems: [Diagnostic]) {
        let citations = Self.citations(in: markdown, firstLine: firstLine)
        guard !citations.isEmpty else { return (markdown, [], []) }
        var text = "", keys: Set<String> = [], labels: Set<String> = [], problems: [Diagnostic] = []
        var pinpoints: [String: [String]] = [:]
        var body = Array(markdown.utf8), shift = 0
        for var citation in citations {
            if let pinpoint = citation.pinpoint, sources[citation.key] != nil {
                var known = pinpoints[citation.key, default: []]
                let number = (known.firstIndex(of: pinpoint) ?? { known.append(pinpoint); return known.count - 1 }()) + 1
                pinpoints[citation.key] = known
                let label = "@\(citation.key):\(number)"
                let range = (citation.range.lowerBound + shift)..<(citation.range.upperBound + shift)
                body.replaceSubrange(range, with: Array(label.utf8))
                shift += label.utf8.count - citation.range.count
                citation.label = label
            }
            guard let source = sources[citation.key] else {
                let near = sources.keys.map { (editDistance($0, citation.key), $0) }.min(by: <)
                let hint = near.map { $0.0 <= 2 ? "; did you mean @\($0.1)?" : "" } ?? ""
                let registry = collection.map { " (sources are the files of \($0.folder)/, keyed by file name)" } ?? "; the site declares no collection with `citable: true`"
                problems.append(.error(displayPath, line: citation.location.line, column: citation.location.column,
                                       "no source has the key `\(citation.key)`\(registry)\(hint)"))
                continue
            }
            keys.insert(citation.key)
            guard labels.insert(citation.label).inserted else { continue }
            text += "\n[^\(citation.label)]: " + note(for: source, pinpoint: citation.pinpoint) + "\n"
        }
        return (String(decoding: body, as: UTF8.self) + (text.isEmpty ? "" : "\n" + text), keys.sorted(), problems)
    }

    /// A note's Markdown: `Authors, Publisher, "Title", 26 March 2012, pinpoint ([archived copy](…)); accessed 1 May 2025.`
    func note(for source: Document, pinpoint: String?) -> String {
        func text(_ name: String) -> String? {
            if case .text(let value)? = source.fields[name], !value.isEmpty { return value }
            return nil
        }
        var parts: [String] = []
        if case .list(let authors)? = source.fields["authors"] {
            let names = authors.compactMap(\.plainText).filter { !$0.isEmpty }
            if !names.isEmpty { parts.append(Self.escaped(names.joined(separator: ", "))) }
        }
        if let publisher = text("publisher") { parts.append(Self.escaped(publisher)) }
        let title = "“" + Self.escaped(source.title) + "”"
        if let url = text("url") ?? text("archive_url") {
            parts.append("[\(title)](<\(url)>)")
        } else {
            parts.append(title)
        }
        if let date = source.fields["date"]?.date { parts.append(date.displayText) }
        if let pinpoint { parts.append(Self.escaped(pinpoint)) }
        var note = parts.joined(separator: ", ")
        if text("url") != nil, let archive = text("archive_url") { note += " ([archived copy](<\(archive)>))" }
        if let accessed = source.fields["accessed"]?.date { note += "; accessed \(accessed.displayText)" }
        return note + "."
    }

    /// Text with every ASCII punctuation mark that Markdown gives a meaning escaped, so that a title is read as
    /// it is written.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if character.isASCII, "\\`*_{}[]<>()#+-.!|&~\"'".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
