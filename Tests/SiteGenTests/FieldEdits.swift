/// Random edits of the fields the collections declare, for the tests that compare an incremental build with a
/// clean one: a date that moves an event into another chief's term or a chief's start that reorders them, a
/// reference added or changed, the field that decides numbering, titles, navigation titles and drafts. Not only
/// bodies and titles: these change relations, order and numbers on other pages.
enum FieldEdits {
    /// `text` (a Markdown file at `path` in content/) with one field changed; `pages` are the content files.
    static func edit(_ text: String, path: String, pages: [String], random: inout SplitMix64) -> String {
        let plain = pages.filter { !$0.hasPrefix("timeline/") && !$0.hasPrefix("ambassadors/") }
        let chiefs = pages.filter { $0.hasPrefix("ambassadors/") && !$0.hasSuffix("index.md") }
        if path.hasPrefix("timeline/"), !path.hasSuffix("index.md") {
            switch random.below(4) {
            case 0: return setting("date", to: date(&random), in: text)
            case 1: return setting("pages", to: "[\(random.pick(plain))]", in: text)
            case 2 where !chiefs.isEmpty: return setting("ambassadors", to: "[\(random.pick(chiefs))]", in: text)
            default: return setting("title", to: "Event \(random.below(1000))", in: text)
            }
        }
        if path.hasPrefix("ambassadors/"), !path.hasSuffix("index.md") {
            switch random.below(5) {
            case 0: return setting("credentials", to: date(&random), in: text)
            case 1: return setting("appointed", to: date(&random), in: text)
            case 2: return setting("title", to: random.pick(["Ambassador", "Chargé d'affaires ad interim"]), in: text)
            case 3: return setting("left", to: date(&random), in: text)
            default: return setting("appointed_by", to: random.pick(["A President", "Another President"]), in: text)
            }
        }
        switch random.below(3) {
        case 0: return setting("nav_title", to: "Short \(random.below(100))", in: text)
        case 1: return setting("description", to: "Described \(random.below(100))", in: text)
        default: return setting("draft", to: random.below(2) == 0 ? "true" : "false", in: text)
        }
    }

    /// A date at a random precision between 1960 and 2025.
    static func date(_ random: inout SplitMix64) -> String {
        let year = 1960 + random.below(66), month = 1 + random.below(12), day = 1 + random.below(28)
        switch random.below(4) {
        case 0: return "\(year)"
        case 1: return "\(year)-\(String(format: "%02d", month))"
        default: return "\(year)-\(String(format: "%02d", month))-\(String(format: "%02d", day))"
        }
    }

    /// The front matter with `key: value`, in place of the key's line if it has one, else before its end.
    static func setting(_ key: String, to value: String, in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return text }
        let line = "\(key): \(value.contains(":") || value.contains("'") ? "\"\(value)\"" : value)"
        if let index = lines[1..<end].firstIndex(where: { $0.hasPrefix(key + ":") }) {
            lines[index] = line
        } else {
            lines.insert(line, at: end)
        }
        return lines.joined(separator: "\n")
    }
}
