/// A place in a source file, 1-based.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A heading of a rendered page, for tables of contents and anchor checks.
public struct Heading: Sendable, Hashable {
    public var level: Int
    public var text: String
    public var id: String
}

/// A link or image destination as written in the Markdown, with where it was written.
public struct LinkReference: Sendable, Hashable {
    public var destination: String
    public var location: SourceLocation
    public var isImage: Bool
}

/// What one pass over a Markdown document yields: the HTML and what later phases need from it.
public struct RenderedMarkdown: Sendable {
    public var html: String
    public var headings: [Heading]
    /// Destinations as written, before any rewriting.
    public var links: [LinkReference]
}
