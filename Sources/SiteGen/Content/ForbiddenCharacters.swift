/// Characters no page or feed of the site may hold: XML 1.0 forbids them even escaped (so one in an event's
/// title made the Atom feed unreadable to every feed reader), and HTML5 calls them parse errors. They are the
/// C0 controls but tab, line feed and carriage return, DEL, the C1 controls and the noncharacters
/// (U+FDD0–U+FDEF and each plane's last two). Each is replaced by U+FFFD, the replacement character, as the
/// sources are read, so that every text the site writes is free of them, and the editor is told where.
enum ForbiddenCharacters {
    /// The replacement character, as an HTML parser puts it in place of a NUL.
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F...0x9F, 0xFDD0...0xFDEF: return true
        default: return value & 0xFFFE == 0xFFFE
        }
    }

    /// `text` with each forbidden character replaced, and where each line holding one first has it (line and
    /// column counted from 1, columns in Unicode scalars, as diagnostics count them); nil when there is none.
    static func replaced(in text: String) -> (text: String, locations: [SourceLocation])? {
        // A look at the bytes first: nearly every file has no byte that can begin such a character.
        let suspect = text.utf8.contains { byte in
            (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F || byte == 0xC2 || byte == 0xEF || byte >= 0xF0
        }
        guard suspect, text.unicodeScalars.contains(where: isForbidden) else { return nil }
        var result = String.UnicodeScalarView()
        var locations: [SourceLocation] = []
        var line = 1, column = 1, lineReported = false
        for scalar in text.unicodeScalars {
            if isForbidden(scalar) {
                if !lineReported { locations.append(SourceLocation(line: line, column: column)) }
                lineReported = true
                result.append(replacement)
            } else {
                result.append(scalar)
            }
            if scalar == "\n" {
                line += 1
                column = 1
                lineReported = false
            } else {
                column += 1
            }
        }
        return (String(result), locations)
    }

    /// The warnings for `locations` in the file shown as `path`: one a line, the first few lines of a file.
    static func warnings(_ locations: [SourceLocation], path: String) -> [Diagnostic] {
        let shown = 10
        var warnings = locations.prefix(shown).map { location in
            Diagnostic.warning(path, line: location.line, column: location.column,
                               "a control character or noncharacter, which HTML and XML do not allow, is replaced by U+FFFD (\u{FFFD}); delete it")
        }
        if locations.count > shown, let next = locations.dropFirst(shown).first {
            warnings.append(.warning(path, line: next.line, column: next.column,
                                     "\(locations.count - shown) more lines from here hold such characters; each is replaced by U+FFFD"))
        }
        return warnings
    }

    /// Where the first numeric character reference (`&#1;`, `&#x85;`) in `markdown` names a forbidden character,
    /// lines counted from `firstLine`: cmark decodes such a reference into the character itself.
    static func firstReference(in markdown: String, firstLine: Int) -> SourceLocation? {
        let bytes = Array(markdown.utf8)
        var index = 0
        while index + 3 < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "&"), bytes[index + 1] == UInt8(ascii: "#") else { continue }
            var cursor = index + 2
            let hex = bytes[cursor] | 0x20 == UInt8(ascii: "x")
            if hex { cursor += 1 }
            var value: UInt32 = 0, digits = 0
            while cursor < bytes.count, digits < 8, let digit = hex ? hexDigit(bytes[cursor]) : decimalDigit(bytes[cursor]) {
                value = value * (hex ? 16 : 10) + UInt32(digit)
                digits += 1
                cursor += 1
            }
            guard digits > 0, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";"),
                  let scalar = Unicode.Scalar(value), value != 0, isForbidden(scalar) else { continue }
            let before = bytes[..<index]
            let lineStart = (before.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
            let line = before.count { $0 == UInt8(ascii: "\n") } + firstLine
            let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).unicodeScalars.count + 1
            return SourceLocation(line: line, column: column)
        }
        return nil
    }

    private static func decimalDigit(_ byte: UInt8) -> UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? byte - UInt8(ascii: "0") : nil
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        if let digit = decimalDigit(byte) { return digit }
        let lower = byte | 0x20
        return (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(lower) ? lower - UInt8(ascii: "a") + 10 : nil
    }
}
