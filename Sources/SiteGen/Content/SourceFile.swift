/// A file of the site's content, read and decoded.
public struct SourceFile: Sendable {
    /// Path inside `content/`, with `/` separators: `history.md`, `ambassadors/dean.md`.
    public let path: String
    /// Path as an editor opens it, relative to where sitegen runs: `content/history.md`.
    public let displayPath: String
    public let text: String

    public init(path: String, displayPath: String, text: String) {
        self.path = path
        self.displayPath = displayPath
        self.text = text
    }

    /// The 1-based line `number` without its line break, for showing under a diagnostic.
    public func line(_ number: Int) -> String? {
        var current = 1
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" {
                if current == number { return String(text[lineStart..<index]) }
                current += 1
                lineStart = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return current == number ? String(text[lineStart...]) : nil
    }
}
