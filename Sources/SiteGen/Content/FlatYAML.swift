import Yams

/// A reader for the front matter nearly every page has: one `key: value` per line, values plain or quoted
/// (escaping at most a quote or a backslash), a list of such values (`tags: [a, "b"]`, or `tags:` then
/// `- a` lines), or a block of text (`description: >-` then indented lines). It accepts only text whose
/// meaning is beyond doubt and returns nil for anything else (nesting, other escapes, comments after
/// values, anchors, odd characters), which then goes to Yams; what it accepts it reads exactly as Yams
/// does (`FlatYAMLAgreement`, held by the tests and a fuzz target).
/// Yams builds a libyaml event stream and a node tree per page, the costliest part of parsing a page's
/// front matter.
enum FlatYAML {
    typealias Pair = FrontMatter.Pair

    /// The pairs of `yaml` in order, lines counted from `firstLine`; nil if Yams must read it.
    static func pairs(_ yaml: String, firstLine: Int) -> [Pair]? {
        var yaml = yaml
        return yaml.withUTF8 { bytes -> [Pair]? in
            guard !holdsWhatOnlyYamsReads(bytes) else { return nil }
            var pairs: [Pair] = []
            // Beside the pairs, so that a repeated key is found in constant time: a search of the pairs per
            // key made front matter with many keys quadratic.
            var keys: Set<String> = []
            var lineStart = 0
            var line = firstLine
            while lineStart < bytes.count {
                var lineEnd = bytes[lineStart...].firstIndex(of: newline) ?? bytes.count
                defer { lineStart = lineEnd + 1; line += 1 }
                let text = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                if text.isEmpty || text[0] == hash { continue }  // a blank or comment line
                var pair = readPair(text, line: line)
                if pair == nil, let (key, folded, strip) = readBlockScalarHeader(text) {
                    // `key: |` or `key: >`, then indented lines: a block of text.
                    guard let (value, lines, end) = readBlockScalar(bytes, from: lineEnd + 1, folded: folded, strip: strip) else { return nil }
                    pair = Pair(key: key, value: .scalar(Node.Scalar(value, Tag(.str, .default, constructor), folded ? .folded : .literal)),
                                keyLocation: SourceLocation(line: line, column: 1), valueLocation: SourceLocation(line: line, column: key.utf8.count + 3))
                    line += lines
                    lineEnd = end
                } else if pair == nil, let key = readListKey(text) {
                    // `key:` alone, then `- item` lines: a block list.
                    guard let (list, lines, end) = readBlockList(bytes, from: lineEnd + 1, key: key, line: line) else { return nil }
                    pair = list
                    line += lines
                    lineEnd = end
                }
                // A repeated key goes to Yams, which reports it.
                guard let pair, keys.insert(pair.key).inserted else { return nil }
                pairs.append(pair)
            }
            return pairs
        }
    }

    private static let newline = UInt8(ascii: "\n"), hash = UInt8(ascii: "#"), space = UInt8(ascii: " ")
    private static let colon = UInt8(ascii: ":"), doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")

    /// libyaml gives up on an implicit key longer than 1,024 characters; such keys go to Yams, which says so.
    static let longestKey = 1024

    /// `key: value` at the start of a line: a key of letters, digits, `_` and `-`, one space, a value.
    private static func readPair(_ text: UnsafeBufferPointer<UInt8>, line: Int) -> Pair? {
        var index = 0
        while index < text.count, isKeyByte(text[index]) { index += 1 }
        guard index > 0, index <= longestKey, isLetter(text[0]), index + 2 < text.count, text[index] == colon, text[index + 1] == space
        else { return nil }
        let key = String(decoding: UnsafeBufferPointer(rebasing: text[..<index]), as: UTF8.self)
        let valueStart = index + 2
        // Everything before the value is ASCII, so bytes and libyaml's columns (in characters) agree.
        let keyLocation = SourceLocation(line: line, column: 1), valueLocation = SourceLocation(line: line, column: valueStart + 1)
        if text[valueStart] == UInt8(ascii: "[") {
            guard let (items, locations) = readFlowList(text, from: valueStart, line: line) else { return nil }
            return Pair(key: key, value: .sequence(Node.Sequence(items.map(Node.scalar), Tag(.implicit, .default, constructor), .flow)),
                        keyLocation: keyLocation, valueLocation: valueLocation, itemLocations: locations)
        }
        guard let value = readScalar(UnsafeBufferPointer(rebasing: text[valueStart...])) else { return nil }
        return Pair(key: key, value: .scalar(value), keyLocation: keyLocation, valueLocation: valueLocation)
    }

    /// `key: |`, `key: |-`, `key: >` or `key: >-` alone on a line: the key, whether the text is folded, and
    /// whether its final line break is stripped. Other headers (`+`, an indentation digit, a comment) go to Yams.
    private static func readBlockScalarHeader(_ text: UnsafeBufferPointer<UInt8>) -> (String, folded: Bool, strip: Bool)? {
        var index = 0
        while index < text.count, isKeyByte(text[index]) { index += 1 }
        guard index > 0, index <= longestKey, isLetter(text[0]), index + 2 < text.count, text[index] == colon, text[index + 1] == space else { return nil }
        let header = UnsafeBufferPointer(rebasing: text[(index + 2)...])
        guard let indicator = header.first, indicator == UInt8(ascii: "|") || indicator == UInt8(ascii: ">"),
              header.count == 1 || (header.count == 2 && header[1] == UInt8(ascii: "-")) else { return nil }
        return (String(decoding: UnsafeBufferPointer(rebasing: text[..<index]), as: UTF8.self), indicator == UInt8(ascii: ">"), header.count == 2)
    }

    /// The lines of a block scalar that start at `start`, all at one indentation of at least one space, up
    /// to a line that starts a key at the left margin or the end; nil for anything else (blank, less or
    /// more indented lines, tabs, trailing spaces, odd characters), whose meaning takes more of YAML's rules.
    /// Returns the text (lines joined by spaces when folded, by line breaks otherwise, with a final line
    /// break unless stripped), the number of lines and where the last one ends.
    private static func readBlockScalar(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, folded: Bool, strip: Bool)
        -> (String, Int, Int)? {
        var text: [UInt8] = []
        guard let (lines, _, end) = readIndentedLines(bytes, from: start, { line, spaces in
            guard spaces > 0, spaces < line.count, line.last != space, allPrintable(UnsafeBufferPointer(rebasing: line[spaces...])) else { return false }
            if !text.isEmpty { text.append(folded ? space : newline) }
            text.append(contentsOf: line[spaces...])
            return true
        }) else { return nil }
        // Clipping keeps the last line's break only if it has one: at the end of a file without a final
        // line break there is none to keep.
        if !strip, end < bytes.count { text.append(newline) }
        return (String(decoding: text, as: UTF8.self), lines, end)
    }

    /// The key of a line that is only `key:`.
    private static func readListKey(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        guard text.count >= 2, text.count - 1 <= longestKey, text.last == colon, isLetter(text[0]), text.dropLast().allSatisfy(isKeyByte) else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: text.dropLast()), as: UTF8.self)
    }

    /// The `- item` lines that start at `start`, all at one indentation, each item as `readScalar` reads it,
    /// up to a line that starts a key at the left margin or the end; nil for anything else (blank or comment
    /// lines among the items, nested or continued items). Returns the pair, the number of item lines and
    /// where the last one ends.
    private static func readBlockList(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, key: String, line keyLine: Int)
        -> (Pair, Int, Int)? {
        var items: [Node.Scalar] = [], locations: [SourceLocation] = []
        guard let (lines, indent, end) = readIndentedLines(bytes, from: start, { text, spaces in
            guard spaces + 2 < text.count, text[spaces] == UInt8(ascii: "-"), text[spaces + 1] == space,
                  let scalar = readScalar(UnsafeBufferPointer(rebasing: text[(spaces + 2)...])) else { return false }
            items.append(scalar)
            // Everything before the item is ASCII: bytes and columns agree.
            locations.append(SourceLocation(line: keyLine + items.count, column: spaces + 3))
            return true
        }) else { return nil }
        let pair = Pair(key: key, value: .sequence(Node.Sequence(items.map(Node.scalar), Tag(.implicit, .default, constructor), .block)),
                        keyLocation: SourceLocation(line: keyLine, column: 1),
                        valueLocation: SourceLocation(line: keyLine + 1, column: indent + 1), itemLocations: locations)
        return (pair, lines, end)
    }

    /// The lines under a key, from `start` up to a line that starts the next key at the left margin or the
    /// end, all at the indentation of the first: `body` gets each line and its indentation and returns
    /// false to refuse it. Returns how many lines were read, their indentation and where the last one
    /// ends; nil if a line was refused or indented differently, or if there were none.
    private static func readIndentedLines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                          _ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool) -> (lines: Int, indent: Int, end: Int)? {
        var lines = 0, lineStart = start, lineEnd = start - 1, indent: Int?
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: newline) ?? bytes.count
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<end])
            var spaces = 0
            while spaces < line.count, line[spaces] == space { spaces += 1 }
            if spaces == 0, !line.isEmpty, isLetter(line[0]) { break }  // the next key
            guard indent == nil || spaces == indent, body(line, spaces) else { return nil }
            indent = spaces
            lines += 1
            lineEnd = end
            lineStart = end + 1
        }
        guard let indent, lines > 0 else { return nil }
        return (lines, indent, lineEnd)
    }

    /// `[a, "b", 'c']` to the end of the line: items plain or quoted as above, no colons, hashes or quotes
    /// inside plain items, no nesting, single spaces; nil for anything else. Items are placed by column in
    /// Unicode scalars, as libyaml counts.
    private static func readFlowList(_ text: UnsafeBufferPointer<UInt8>, from open: Int, line: Int) -> ([Node.Scalar], [SourceLocation])? {
        guard text.last == UInt8(ascii: "]") else { return nil }
        let inner = UnsafeBufferPointer(rebasing: text[(open + 1)..<(text.count - 1)])
        var items: [Node.Scalar] = [], locations: [SourceLocation] = []
        if inner.isEmpty { return (items, locations) }
        var start = 0
        while start <= inner.count {
            let end = inner[start...].firstIndex(of: UInt8(ascii: ",")) ?? inner.count
            // One optional space after a comma; nothing else around an item.
            let itemStart = start > 0 && start < end && inner[start] == space ? start + 1 : start
            let item = UnsafeBufferPointer(rebasing: inner[itemStart..<end])
            guard !item.isEmpty, item.first != space, item.last != space, !item.contains(where: { flowIndicators.contains($0) }),
                  let scalar = readScalar(item) else { return nil }
            if scalar.style == .plain, item.contains(where: { $0 == colon || $0 == hash || $0 == doubleQuote || $0 == singleQuote }) {
                return nil
            }
            let offset = open + 1 + itemStart
            let column = text[..<offset].count { $0 & 0xC0 != 0x80 } + 1
            items.append(scalar)
            locations.append(SourceLocation(line: line, column: column))
            start = end + 1
        }
        return (items, locations)
    }

    private static let flowIndicators: Set<UInt8> = Set("[]{}".utf8)

    private static func readScalar(_ value: UnsafeBufferPointer<UInt8>) -> Node.Scalar? {
        guard let first = value.first, let last = value.last, allPrintable(value) else { return nil }
        if first == doubleQuote || first == singleQuote {
            // Quoted and closed at the end of the line. Inside, only what titles need: `\"` and `\\` in
            // double quotes, `''` in single quotes; any other escape goes to Yams.
            guard value.count >= 2, last == first, let text = unquote(UnsafeBufferPointer(rebasing: value.dropFirst().dropLast()), quote: first)
            else { return nil }
            // libyaml marks a quoted scalar non-specific ("!"): always text, never a number or null.
            return Node.Scalar(text, Tag(.str, .default, constructor), first == doubleQuote ? .doubleQuoted : .singleQuoted)
        }
        // Plain: no indicator first, no `: ` or ` #` inside, nothing to trim at the end.
        guard !indicators.contains(first), last != space, last != colon else { return nil }
        for index in 0..<(value.count - 1) {
            if value[index] == colon && value[index + 1] == space { return nil }
            if value[index] == space && value[index + 1] == hash { return nil }
        }
        return Node.Scalar(String(decoding: value, as: UTF8.self), Tag(.implicit, .default, constructor), .plain)
    }

    /// The text between the quotes, or nil if it holds anything but the escapes this reader knows, or the
    /// quote itself unescaped (a scalar that ends before the line does).
    private static func unquote(_ inner: UnsafeBufferPointer<UInt8>, quote: UInt8) -> String? {
        let escape = quote == doubleQuote ? UInt8(ascii: "\\") : singleQuote
        guard inner.contains(escape) || inner.contains(quote) else { return String(decoding: inner, as: UTF8.self) }
        var text: [UInt8] = []
        text.reserveCapacity(inner.count)
        var index = 0
        while index < inner.count {
            let byte = inner[index]
            if byte == escape {
                // `\"` or `\\` in double quotes, `''` in single quotes.
                guard index + 1 < inner.count, inner[index + 1] == quote || inner[index + 1] == escape else { return nil }
                text.append(inner[index + 1])
                index += 2
                continue
            }
            if byte == quote { return nil }
            text.append(byte)
            index += 1
        }
        return String(decoding: text, as: UTF8.self)
    }

    // Made once: `Constructor.default` builds new tables on every use. It is only read. Each node
    // still gets its own Tag, which Yams resolves in place on first use.
    nonisolated(unsafe) private static let constructor = Constructor.default

    private static let indicators: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@` ".utf8)

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Whether `bytes` (valid UTF-8) hold a character that libyaml refuses or reads as a line break other than
    /// the line feed, anywhere, comment lines included: C0 controls other than tab and line feed (a carriage
    /// return ends a comment line for libyaml), DEL, C1 controls (NEL breaks a line too), the line and
    /// paragraph separators, the byte-order mark, and U+FFFE and U+FFFF. Yams reads or refuses such text.
    static func holdsWhatOnlyYamsReads(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x09, 0x0A: break
            case ..<0x20, 0x7F: return true
            case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]): return true
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                return true
            case 0xEF where index + 2 < bytes.count && ((bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF)
                                                        || (bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF))):
                return true
            default: break
            }
            index += 1
        }
        return false
    }

    /// No control characters, tabs, or the Unicode line and byte-order marks libyaml treats specially.
    private static func allPrintable(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        for (index, byte) in value.enumerated() {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte == 0xC2, index + 1 < value.count, value[index + 1] == 0x85 { return false }  // NEL
            if byte == 0xE2, index + 2 < value.count, value[index + 1] == 0x80, value[index + 2] == 0xA8 || value[index + 2] == 0xA9 { return false }
            if byte == 0xEF, index + 2 < value.count, value[index + 1] == 0xBB, value[index + 2] == 0xBF { return false }  // BOM
        }
        return true
    }
}
