/// A large Markdown document cut into parts that cmark renders, one after another, into exactly the HTML of
/// the whole, so that only one part's tree is in memory at a time.
///
/// A part ends before a line that begins in its first column right after a blank line, with neither white
/// space nor what could continue a list (`-`, `+`, `*`, a digit), outside a fenced code block and outside an
/// HTML block that runs over blank lines (`<pre>`, `<script>`, `<style>`, `<textarea>`, comments, processing
/// instructions, declarations, CDATA): there every block before has ended (a list item's or a code block's
/// lines are indented, a block quote, a paragraph and a table end at the blank line) and a new one starts. What a block could
/// use of the whole page is left alone: a document with a link reference definition or a footnote (`]:`,
/// `[^` anywhere) is not cut. The rule errs towards not cutting: a fence or an HTML block is taken as open
/// wherever one might begin. Held to rendering whole by `MarkdownRendererTests`, over generated documents.
enum MarkdownParts {
    struct Part {
        var text: Substring
        /// The part's first line in the whole document, from 1.
        var firstLine: Int
    }

    /// The parts, each at least `size` bytes but the last; nil when the document must be rendered whole.
    static func split(_ markdown: String, size: Int) -> [Part]? {
        let utf8 = markdown.utf8
        if mayReferToOtherBlocks(markdown) { return nil }
        var parts: [Part] = []
        var partStart = utf8.startIndex, partFirstLine = 1
        var lineStart = utf8.startIndex, line = 1
        var previousBlank = false
        var fence: (byte: UInt8, length: Int)? = nil
        var htmlEnd: [UInt8]? = nil
        while lineStart < utf8.endIndex {
            let lineEnd = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let text = utf8[lineStart..<lineEnd]
            let blank = text.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            if let open = fence {
                if let run = fenceRun(text), run.byte == open.byte, run.length >= open.length, run.restIsBlank { fence = nil }
            } else if let end = htmlEnd {
                if contains(text.lazy.map(lowercased), end) { htmlEnd = nil }
            } else {
                if previousBlank, let first = text.first, startsBlockAfterBlank(first),
                   utf8.distance(from: partStart, to: lineStart) >= size {
                    parts.append(Part(text: markdown[partStart..<lineStart], firstLine: partFirstLine))
                    partStart = lineStart
                    partFirstLine = line
                }
                if let run = fenceRun(text), run.length >= 3 {
                    fence = (run.byte, run.length)
                } else if let end = htmlBlockEnd(text) {
                    htmlEnd = end
                }
            }
            previousBlank = blank
            line += 1
            lineStart = lineEnd == utf8.endIndex ? lineEnd : utf8.index(after: lineEnd)
        }
        parts.append(Part(text: markdown[partStart...], firstLine: partFirstLine))
        return parts
    }

    /// Whether a line that begins with `byte` in its first column, after a blank line, starts a block of its
    /// own: not indentation (the rest of a list item or a code block), and not what could be the next item
    /// of a list before the blank line (`-`, `+`, `*`, a digit), whose HTML depends on it.
    private static func startsBlockAfterBlank(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "*"),
             UInt8(ascii: "0")...UInt8(ascii: "9"): false
        default: true
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// Up to three spaces of indentation, then the line's bytes.
    private static func unindented(_ text: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        var rest = text
        for _ in 0..<3 where rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        return rest
    }

    /// A run of backticks or tildes at the line's start (after up to three spaces), and whether only white
    /// space follows it (what a closing fence needs).
    private static func fenceRun(_ text: Substring.UTF8View.SubSequence) -> (byte: UInt8, length: Int, restIsBlank: Bool)? {
        let rest = unindented(text)
        guard let first = rest.first, first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { return nil }
        let length = rest.prefix { $0 == first }.count
        let after = rest.dropFirst(length)
        return (first, length, after.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") })
    }

    /// The text that ends an HTML block of the kinds that run over blank lines, when the line starts one
    /// (taken as started whatever follows the opening, and ended at once if the end is on the same line).
    private static func htmlBlockEnd(_ text: Substring.UTF8View.SubSequence) -> [UInt8]? {
        guard unindented(text).first == UInt8(ascii: "<") else { return nil }
        let rest = Array(unindented(text).lazy.map(lowercased))
        let starts: [(String, String)] = [("<pre", "</pre>"), ("<script", "</script>"), ("<style", "</style>"), ("<textarea", "</textarea>"),
                                          ("<!--", "-->"), ("<?", "?>"), ("<![cdata[", "]]>"), ("<!", ">")]
        for (start, end) in starts where rest.starts(with: start.utf8) {
            let ending = Array(end.utf8)
            return contains(rest.dropFirst(start.utf8.count), ending) ? nil : ending
        }
        return nil
    }

    /// Whether the document may hold a link reference definition or a footnote (`]:` or `[^`), in one pass
    /// over its bytes.
    private static func mayReferToOtherBlocks(_ markdown: String) -> Bool {
        var markdown = markdown
        return markdown.withUTF8 { bytes in
            guard bytes.count >= 2 else { return false }
            for index in 1..<bytes.count {
                let (before, byte) = (bytes[index - 1], bytes[index])
                if (before == UInt8(ascii: "]") && byte == UInt8(ascii: ":")) || (before == UInt8(ascii: "[") && byte == UInt8(ascii: "^")) {
                    return true
                }
            }
            return false
        }
    }

    private static func contains<C: Collection<UInt8>>(_ haystack: C, _ needle: [UInt8]) -> Bool {
        let bytes = Array(haystack)
        guard bytes.count >= needle.count, !needle.isEmpty else { return needle.isEmpty }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
