/// How Markdown is turned into HTML.
public struct MarkdownOptions: Sendable, Hashable {
    /// cmark-gfm syntax extensions by name (`table`, `strikethrough`, `autolink`, `tagfilter`, `tasklist`).
    public var extensions: [String]
    public var smartPunctuation: Bool
    public var footnotes: Bool
    /// Raw HTML passes through only when this is set; otherwise cmark-gfm drops it.
    public var unsafeHTML: Bool
    /// Give every heading a unique GitHub-style `id`.
    public var headingIDs: Bool

    public init(
        extensions: [String] = MarkdownOptions.allExtensions,
        smartPunctuation: Bool = true,
        footnotes: Bool = true,
        unsafeHTML: Bool = false,
        headingIDs: Bool = true
    ) {
        self.extensions = extensions
        self.smartPunctuation = smartPunctuation
        self.footnotes = footnotes
        self.unsafeHTML = unsafeHTML
        self.headingIDs = headingIDs
    }

    /// Every cmark-gfm core extension, in a fixed order.
    public static let allExtensions = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// GitHub Flavored Markdown with every extension, smart punctuation and footnotes, in safe mode.
    public static let site = MarkdownOptions()
}
