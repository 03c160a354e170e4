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
}
