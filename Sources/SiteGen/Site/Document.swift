/// A content file after the parse phase: its front matter read with types, its Markdown rendered.
public struct Document: Sendable {
    public var source: SourceFile
    public var kind: PageKind
    public var title: String
    /// A shorter title for the navigation bar.
    public var navigationTitle: String?
    public var description: String?
    public var layout: String?
    public var draft: Bool
    /// nil: a table of contents when the page has enough headings.
    public var tableOfContents: Bool?
    public var ambassador: AmbassadorFields?
    public var event: EventFields?
    public var body: RenderedMarkdown
    /// Links that point into the site (or are malformed), with what they point at, for the resolve
    /// phase's checks; links to other sites are not kept (`body.links` is emptied to save memory).
    public var internalLinks: [(reference: LinkReference, target: LinkTarget)]
    /// URL of the output page that shows this document (for events, the timeline page).
    public var holderURL: String

    public var path: String { source.path }
}

/// Front matter of a chief of mission.
public struct AmbassadorFields: Sendable {
    public var name: String
    /// As the sources give it: `Ambassador`, `Chargé d'affaires ad interim`.
    public var title: String
    public var appointed: PartialDate?
    public var credentials: PartialDate?
    public var left: PartialDate?
    public var appointedBy: String?
    /// The president was inferred from the commission date, not stated by the source.
    public var appointedByInferred: Bool
    public var locations: [String: SourceLocation]

    /// Ambassadors are numbered in order of service; chargés d'affaires are not.
    public var isAmbassador: Bool { title.hasPrefix("Ambassador") }
    /// When the chief took charge: credentials presented, else appointed.
    public var start: PartialDate? { credentials ?? appointed }
}

/// Front matter of a timeline event.
public struct EventFields: Sendable {
    public var date: PartialDate
    /// Pages and ambassadors the event concerns, by source path.
    public var related: [(path: String, location: SourceLocation)]
}
