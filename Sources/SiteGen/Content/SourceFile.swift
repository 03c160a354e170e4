/// A file of the site's content, read and decoded.
public struct SourceFile: Sendable {
    /// Path inside `content/`, with `/` separators: `history.md`, `people/dean.md`.
    public let path: String
    /// Path as an editor opens it, relative to where sitegen runs: `content/history.md`.
    public let displayPath: String
    public let text: String

    public init(path: String, displayPath: String, text: String) {
        self.path = path
        self.displayPath = displayPath
        self.text = text
    }
}
