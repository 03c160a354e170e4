/// Deterministic GitHub Flavored Markdown documents for the differential test: every construct the site
/// uses and more, mixed and nested, so our renderer can be compared with the `cmark-gfm` command on a
/// machine without cmark-gfm's spec files.
struct GFMDocumentGenerator {
    /// The same documents on every machine and every run.
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func below(_ n: Int) -> Int { random.below(n) }
    private mutating func pick<T>(_ choices: [T]) -> T { random.pick(choices) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    static let words = ["Mali", "relations", "embassy", "Bamako", "ambassador", "aid", "coup", "1960", "Économie",
                        "Tombouctou", "日本語", "Ségou", "naïve", "Ὀδυσσεύς", "Кириллица", "العربية", "emoji 🇲🇱",
                        "Kelvin K", "İstanbul", "e\u{301}", "a_b_c", "snake_case", "2012", "U.S.", "O'Brien"]
    static let entities = ["&amp;", "&lt;", "&gt;", "&quot;", "&copy;", "&nbsp;", "&#169;", "&#x2014;", "&ouml;", "&bogus;", "&#0;", "&"]
    static let punctuation = ["\"quoted\"", "'single'", "--", "---", "...", "it's", "\\*not emphasis\\*", "1 < 2", "a > b", "x | y"]

    private mutating func word() -> String { pick(Self.words) }

    /// A run of inline content: text, emphasis, code, links, autolinks, footnote references, HTML.
    private mutating func inline(depth: Int = 0, footnotes: [String]) -> String {
        var parts: [String] = []
        for _ in 0..<(1 + below(6)) {
            switch below(22) {
            case 0: parts.append("*\(word())*")
            case 1: parts.append("**\(word()) \(word())**")
            case 2: parts.append("_\(word())_")
            case 3: parts.append("~~\(word())~~")
            case 4: parts.append("~\(word())~")
            case 5: parts.append(pick(["`code`", "`` a`b ``", "`<b>`", "` x `", "`|`"]))
            case 6: parts.append("[\(word())](\(pick(["history.md", "https://example.org/a?b=c&d=e", "<with space.md>", "/x#frag", "#anchor", ""]))\(pick(["", " \"A title\"", " 'single'", " (paren)"])))")
            case 7: parts.append("![\(word())](\(pick(["map.svg", "https://example.org/i.png"])) \"\(word())\")")
            case 8: parts.append(pick(["https://example.org/path_(x)", "www.example.com/a.", "http://example.com?x=1&y=2",
                                       "someone@example.org", "<https://example.org>", "<mailto:a@b.c>", "ftp://x.y", "www.commonmark.org/he<lp"]))
            case 9: if let name = footnotes.isEmpty ? nil : pick(footnotes) { parts.append("[^\(name)]") } else { parts.append("[^missing]") }
            case 10: parts.append(pick(Self.entities))
            case 11: parts.append(pick(Self.punctuation))
            case 12: parts.append(pick(["<span class=\"x\">\(word())</span>", "<script>alert(1)</script>", "<!-- comment -->",
                                        "<em>", "</em>", "<iframe src=x>", "<a href=\"javascript:alert(1)\">j</a>", "<?pi?>", "<xmp>"]))
            case 13: parts.append("[\(word())][\(pick(["ref", "Ref", "other", "nowhere"]))]")
            case 14: parts.append("[ref]")
            case 15: parts.append(word() + pick(["  \n", "\\\n", "\n"]) + word())
            case 16 where depth < 2: parts.append("**\(inline(depth: depth + 1, footnotes: footnotes))**")
            case 17: parts.append("[link *with* `code`](<a b> \"t\")")
            case 18: parts.append("\\" + pick(["[", "]", "*", "_", "`", "|", "\\", "#", "<"]))
            case 19: parts.append("[javascript](javascript:alert(1))")
            default: parts.append(word())
            }
        }
        return parts.joined(separator: pick([" ", " ", "", ", "]))
    }

    private mutating func table(footnotes: [String]) -> String {
        let columns = 1 + below(4)
        let aligns = [":--", "--:", ":-:", "---"]
        func cell(_ generator: inout GFMDocumentGenerator) -> String {
            generator.pick([generator.word(), "a \\| b", "`x \\| y`", "**\(generator.word())**", "", "[l](history.md)", "~~s~~", "&amp;"])
        }
        var lines = ["| " + (0..<columns).map { _ in cell(&self) }.joined(separator: " | ") + " |",
                     "|" + (0..<columns).map { _ in pick(aligns) }.joined(separator: "|") + "|"]
        for _ in 0..<below(4) {
            let cells = (0..<(columns + below(3) - 1)).map { _ in cell(&self) }
            lines.append(pick(["| ", ""]) + cells.joined(separator: " | ") + pick([" |", ""]))
        }
        if chance(20) { lines.append(inline(footnotes: footnotes)) }
        return lines.joined(separator: "\n")
    }

    private mutating func list(depth: Int, footnotes: [String]) -> String {
        let ordered = chance(40)
        let marker = ordered ? pick(["1.", "1)", "3."]) : pick(["-", "*", "+"])
        let indent = String(repeating: " ", count: marker.count + 1)
        var items: [String] = []
        for _ in 0..<(1 + below(4)) {
            var item = marker + " " + (chance(30) ? pick(["[ ] ", "[x] ", "[X] "]) : "") + inline(footnotes: footnotes)
            if depth < 3, chance(30) {
                let nested = block(depth: depth + 1, footnotes: footnotes)
                item += "\n" + (chance(50) ? "\n" : "") + nested.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
            }
            items.append(item)
        }
        return items.joined(separator: chance(30) ? "\n\n" : "\n")
    }

    private mutating func block(depth: Int, footnotes: [String]) -> String {
        switch below(depth > 2 ? 6 : 12) {
        case 0: return String(repeating: "#", count: 1 + below(6)) + " " + inline(footnotes: footnotes) + (chance(10) ? " ##" : "")
        case 1: return inline(footnotes: footnotes) + "\n" + pick(["===", "---"])
        case 2: return "> " + block(depth: depth + 1, footnotes: footnotes).split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\n> ")
        case 3: return list(depth: depth, footnotes: footnotes)
        case 4:
            let fence = pick(["```", "~~~", "````"])
            return fence + pick(["", "swift", "html", "a b"]) + "\n" + pick(["let x = 1 < 2", "<b>bold</b>", "| a | b |", word(), "```"]) + "\n" + fence
        case 5: return "    indented code \(word())\n    <i>x</i>"
        case 6: return table(footnotes: footnotes)
        case 7: return pick(["***", "- - -", "___"])
        case 8: return pick(["<div>\n*not markdown*\n</div>", "<table><tr><td>\(word())</td></tr></table>", "<!-- block comment -->",
                             "<script>\nalert(1)\n</script>", "<style>p{}</style>", "<textarea>\nx\n</textarea>", "<title>t</title>",
                             "<details><summary>\(word())</summary>\n\n\(word())\n\n</details>"])
        default: return inline(footnotes: footnotes)
        }
    }

    /// One document: blocks, reference definitions and footnote definitions (some nested, some referenced twice).
    mutating func document() -> String {
        let footnotes = (0..<below(4)).map { "n\($0)" } + (chance(20) ? ["Note"] : [])
        var blocks: [String] = []
        for _ in 0..<(1 + below(7)) { blocks.append(block(depth: 0, footnotes: footnotes)) }
        if chance(50) { blocks.append("[ref]: https://example.org/ref \"Ref title\"\n[other]: <history.md#x> 'o'") }
        for name in footnotes where chance(85) {
            var definition = "[^\(name)]: " + inline(footnotes: footnotes)
            if chance(25) { definition += "\n\n    " + inline(footnotes: footnotes) }
            if chance(15) { definition += " [^\(pick(footnotes))]" }
            blocks.append(definition)
        }
        return blocks.joined(separator: pick(["\n\n", "\n\n", "\n"])) + (chance(90) ? "\n" : "")
    }
}
