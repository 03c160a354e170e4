/// Reads a Mustache template into nodes, in two steps: the text is cut into tokens (text runs, line
/// endings and tags) with the delimiters in force where each stands, and a line whose only content is
/// one standalone tag (a section, inverted section, comment, partial or set-delimiter tag) and white
/// space loses that white space and its line ending; then sections are nested.
struct MustacheParser {
    private let bytes: [UInt8]
    private var position = 0
    private var open: [UInt8] = Array("{{".utf8)
    private var close: [UInt8] = Array("}}".utf8)

    private enum TagKind: Equatable {
        case variable(escaped: Bool), section(inverted: Bool), close, comment, partial, delimiters

        /// Tags that leave no output of their own, so a line holding only them disappears.
        var canStandAlone: Bool { if case .variable = self { false } else { true } }
    }

    private enum Token {
        case text([UInt8])
        case tag(TagKind, String, SourceLocation)
        /// A partial whose standalone line gave it an indentation.
        case indentedPartial(String, [UInt8], SourceLocation)
    }

    private var tokens: [Token?] = []
    // The current line: the tokens of white space on it, its standalone tags, whether it has anything else.
    private var lineSpaces: [Int] = []
    private var lineTags: [Int] = []
    private var lineHasContent = false
    private var lineStart = 0
    private var lineNumber = 1

    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func parse() throws(MustacheSyntaxError) -> [MustacheNode] {
        var run: [UInt8] = [], runIsSpace = false
        func flush(_ parser: inout MustacheParser) {
            guard !run.isEmpty else { return }
            if runIsSpace { parser.lineSpaces.append(parser.tokens.count) } else { parser.lineHasContent = true }
            parser.tokens.append(.text(run))
            run = []
        }
        while position < bytes.count {
            if starts(with: open, at: position) {
                flush(&self)
                try readTag()
                continue
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\n")) {
                flush(&self)
                let length = byte == UInt8(ascii: "\n") ? 1 : 2
                let newline = tokens.count
                tokens.append(.text(Array(bytes[position..<(position + length)])))
                position += length
                endLine(newline: newline)
                lineNumber += 1
                lineStart = position
                continue
            }
            let isSpace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            if isSpace != runIsSpace { flush(&self) }
            runIsSpace = isSpace
            run.append(byte)
            position += 1
        }
        flush(&self)
        endLine(newline: nil)
        return try nest()
    }

    /// At the end of a line: a line of one standalone tag and white space keeps only its tag. (A line of
    /// several tags keeps its line ending, as swift-mustache and the reference implementation do.)
    private mutating func endLine(newline: Int?) {
        defer {
            lineSpaces = []
            lineTags = []
            lineHasContent = false
        }
        guard lineTags.count == 1, !lineHasContent else { return }
        // A partial alone on its line takes the white space before it as the indentation of its lines.
        if case .tag(.partial, let name, let location)? = tokens[lineTags[0]] {
            var indentation: [UInt8] = []
            for index in lineSpaces where index < lineTags[0] {
                if case .text(let space)? = tokens[index] { indentation += space }
            }
            tokens[lineTags[0]] = .indentedPartial(name, indentation, location)
        }
        for index in lineSpaces { tokens[index] = nil }
        if let newline { tokens[newline] = nil }
    }

    private func starts(with delimiter: [UInt8], at index: Int) -> Bool {
        guard index + delimiter.count <= bytes.count else { return false }
        for offset in 0..<delimiter.count where bytes[index + offset] != delimiter[offset] { return false }
        return true
    }

    /// Where `index` is, in lines and characters.
    private func location(of index: Int) -> SourceLocation {
        var column = 1
        for byte in bytes[lineStart..<index] where byte & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(line: lineNumber, column: column)
    }

    private func error(at index: Int, _ message: String) -> MustacheSyntaxError {
        MustacheSyntaxError(location: location(of: index), message: message)
    }

    /// The index of `delimiter` from `start` on, if any.
    private func find(_ delimiter: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + delimiter.count <= bytes.count {
            if starts(with: delimiter, at: index) { return index }
            index += 1
        }
        return nil
    }

    private mutating func readTag() throws(MustacheSyntaxError) {
        let tagStart = position
        let tagLocation = location(of: tagStart)
        var contentStart = position + open.count
        var ending = close
        let kind: TagKind
        switch contentStart < bytes.count ? bytes[contentStart] : 0 {
        case UInt8(ascii: "{"):
            kind = .variable(escaped: false)
            ending = [UInt8(ascii: "}")] + close
            contentStart += 1
        case UInt8(ascii: "&"): kind = .variable(escaped: false); contentStart += 1
        case UInt8(ascii: "#"): kind = .section(inverted: false); contentStart += 1
        case UInt8(ascii: "^"): kind = .section(inverted: true); contentStart += 1
        case UInt8(ascii: "/"): kind = .close; contentStart += 1
        case UInt8(ascii: "!"): kind = .comment; contentStart += 1
        case UInt8(ascii: ">"): kind = .partial; contentStart += 1
        case UInt8(ascii: "="):
            kind = .delimiters
            ending = [UInt8(ascii: "=")] + close
            contentStart += 1
        default: kind = .variable(escaped: true)
        }
        guard let contentEnd = find(ending, from: contentStart) else {
            throw error(at: tagStart, "a tag is not closed with \(String(decoding: ending, as: UTF8.self))")
        }
        let content = String(decoding: bytes[contentStart..<contentEnd], as: UTF8.self)
        // Lines inside a comment count too.
        for index in contentStart..<contentEnd where bytes[index] == UInt8(ascii: "\n") {
            lineNumber += 1
            lineStart = index + 1
        }
        position = contentEnd + ending.count
        var name = content.trimmingASCIIWhitespace
        switch kind {
        case .comment:
            name = ""
        case .delimiters:
            let parts = name.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                throw MustacheSyntaxError(location: tagLocation, message: "a set-delimiter tag needs two delimiters without `=` or spaces, as in {{=<% %>=}}")
            }
            open = Array(parts[0].utf8)
            close = Array(parts[1].utf8)
        default:
            guard !name.isEmpty else { throw MustacheSyntaxError(location: tagLocation, message: "a tag has no name") }
            if name.contains("(") || name.contains(")") {
                throw MustacheSyntaxError(location: tagLocation, message: "`\(name)` is not a name: templates have no functions (transforms)")
            }
            if name.contains(where: { $0 == "{" || $0 == "}" || $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                throw MustacheSyntaxError(location: tagLocation, message: "`\(name)` is not a name: names have no braces or spaces")
            }
            if name != ".", name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                throw MustacheSyntaxError(location: tagLocation, message: "`\(name)` is not a name: write `.` or names joined by dots, as in `page.title`")
            }
        }
        if kind.canStandAlone { lineTags.append(tokens.count) } else { lineHasContent = true }
        tokens.append(.tag(kind, name, tagLocation))
    }

    /// Sections nested; every section closed by its own name.
    private func nest() throws(MustacheSyntaxError) -> [MustacheNode] {
        var levels: [(name: MustacheName?, inverted: Bool, nodes: [MustacheNode])] = [(nil, false, [])]
        for token in tokens {
            switch token {
            case nil, .tag(.comment, _, _)?, .tag(.delimiters, _, _)?:
                continue
            case .text(let text)?:
                if case .text(let before)? = levels[levels.count - 1].nodes.last {
                    levels[levels.count - 1].nodes[levels[levels.count - 1].nodes.count - 1] = .text(before + text)
                } else {
                    levels[levels.count - 1].nodes.append(.text(text))
                }
            case .tag(.variable(let escaped), let name, let location)?:
                levels[levels.count - 1].nodes.append(.variable(Self.name(name, location), escaped: escaped))
            case .tag(.partial, let name, let location)?:
                levels[levels.count - 1].nodes.append(.partial(name, indentation: [], location))
            case .indentedPartial(let name, let indentation, let location)?:
                levels[levels.count - 1].nodes.append(.partial(name, indentation: indentation, location))
            case .tag(.section(let inverted), let name, let location)?:
                levels.append((Self.name(name, location), inverted, []))
            case .tag(.close, let name, let location)?:
                guard let opened = levels[levels.count - 1].name else {
                    throw MustacheSyntaxError(location: location, message: "{{/\(name)}} closes no section")
                }
                guard opened.text == name else {
                    throw MustacheSyntaxError(location: location, message:
                        "{{/\(name)}} closes the section `\(opened.text)` opened at line \(opened.location.line), column \(opened.location.column); close it with {{/\(opened.text)}}")
                }
                let level = levels.removeLast()
                levels[levels.count - 1].nodes.append(.section(opened, inverted: level.inverted, level.nodes))
            }
        }
        if let unclosed = levels.last?.name {
            throw MustacheSyntaxError(location: unclosed.location, message: "the section `\(unclosed.text)` is never closed ({{/\(unclosed.text)}} is missing)")
        }
        return levels[0].nodes
    }

    private static func name(_ text: String, _ location: SourceLocation) -> MustacheName {
        MustacheName(parts: text == "." ? [] : text.split(separator: ".").map { TemplateKey(String($0)) }, location: location)
    }
}

extension String {
    /// Without spaces, tabs and line breaks at either end.
    var trimmingASCIIWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
