/// A content file after the parse phase: its front matter read with types, its Markdown rendered.
///
/// A class, immutable once made: the later phases hold it in several lists (pages, events, chiefs),
/// and a reference keeps those lists small for a site of thousands of pages.
public final class Document: Sendable {
    public let source: SourceFile
    public let kind: PageKind
    public let title: String
    /// A shorter title for the navigation bar.
    public let navigationTitle: String?
    public let description: String?
    public let layout: String?
    public let draft: Bool
    /// nil: a table of contents when the page has enough headings.
    public let tableOfContents: Bool?
    public let ambassador: AmbassadorFields?
    public let event: EventFields?
    public let body: RenderedMarkdown
    /// Links that point into the site (or are malformed): where each is written and what it points at,
    /// for the resolve phase's checks. Links to other sites and the destinations as written are not kept
    /// (`body.links` is emptied): a page can have hundreds of links, and the site holds every page.
    public let internalLinks: [(location: SourceLocation, target: LinkTarget)]
    /// URL of the output page that shows this document (for events, the timeline page).
    public let holderURL: String
    /// Ids of this document's own output page: its headings' and its template's. Made on the parsing
    /// threads; the timeline and the ambassador index have more (see `SiteResolver`).
    public let anchors: Set<String>
    /// Where the body's opening paragraph ends, when it starts with one (else at its start): templates get
    /// `page.lede` and `page.rest`, so that a layout can put the infobox and the contents after it.
    public let ledeEnd: String.Index
    /// Where cmark-gfm's footnotes section starts (always last in the body), or the end: `page.prose` and
    /// `page.notes`, so that a layout can put something, such as a table, between the text and its notes.
    public let notesStart: String.Index

    public var path: String { source.path }

    public init(source: SourceFile, kind: PageKind, title: String, navigationTitle: String?, description: String?,
                layout: String?, draft: Bool, tableOfContents: Bool?, ambassador: AmbassadorFields?, event: EventFields?,
                body: RenderedMarkdown, internalLinks: [(location: SourceLocation, target: LinkTarget)], holderURL: String) {
        self.source = source
        self.kind = kind
        self.title = title
        self.navigationTitle = navigationTitle
        self.description = description
        self.layout = layout
        self.draft = draft
        self.tableOfContents = tableOfContents
        self.ambassador = ambassador
        self.event = event
        self.body = body
        self.internalLinks = internalLinks
        self.holderURL = holderURL
        var anchors = Set<String>(minimumCapacity: kind.templateAnchors.count + body.headings.count)
        anchors.formUnion(kind.templateAnchors)
        for heading in body.headings { anchors.insert(heading.id) }
        self.anchors = anchors
        // Found once here, on the parsing threads, not at each template lookup.
        let html = body.html
        if html.hasPrefix("<p>"), let end = html.utf8Index(of: "</p>\n") {
            ledeEnd = html.utf8.index(end, offsetBy: "</p>\n".utf8.count)
        } else {
            ledeEnd = html.startIndex
        }
        notesStart = html.utf8Index(of: "<section class=\"footnotes\"", last: true) ?? html.endIndex
    }
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
    /// Former anchors of the event on the timeline (the names of files merged into this one), kept as ids so
    /// that links to them still land on it.
    public var aliases: [(id: String, location: SourceLocation)] = []
}
