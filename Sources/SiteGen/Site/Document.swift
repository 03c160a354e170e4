import Synchronization

/// A content file after the parse phase: its front matter read with types, its Markdown rendered.
///
/// A class, immutable once made: the later phases hold it in several lists (pages, collections, relations),
/// and a reference keeps those lists small for a site of thousands of pages.
public final class Document: Sendable {
    public let source: SourceFile
    /// The collection it belongs to as an item or as the folder's page; nil for a plain page.
    public let collection: String?
    /// The folder's page of its collection (`FOLDER/index.md`), which lists the items.
    public let isList: Bool
    public let title: String
    /// A shorter title for the navigation bar.
    public let navigationTitle: String?
    public let description: String?
    public let layout: String?
    public let draft: Bool
    /// nil: a table of contents when the page has enough headings.
    public let tableOfContents: Bool?
    /// An item's declared fields, read with their types (defaults included); empty for other pages.
    public let fields: [String: FieldValue]
    /// Where each field's value is written: diagnostics about relations (a term that overlaps the previous
    /// one) point there. For a list, its items' places follow as `NAME#INDEX`.
    public let fieldLocations: [String: SourceLocation]
    /// False for an item of a collection whose items are shown only on the folder's page.
    public let hasOwnPage: Bool
    /// The keys of the sources its text cites (`[^@KEY]`), each once, sorted.
    public let citations: [String]
    /// Where each paragraph of an item that must cite its sources (`require_citations`) has none.
    public let uncitedParagraphs: [SourceLocation]
    /// Its rendered Markdown: the HTML, decoded from the parse store when first shown (`DocumentText`).
    private let text: DocumentText
    public let headings: [Heading]
    /// Links that point into the site (or are malformed): where each is written and what it points at,
    /// for the resolve phase's checks. Links to other sites and the destinations as written are not kept
    /// (`body.links` is emptied): a page can have hundreds of links, and the site holds every page.
    public let internalLinks: [(location: SourceLocation, target: LinkTarget)]
    /// URL of the output page that shows this document (for an item without a page, its folder's page).
    public let holderURL: String
    /// Ids of this document's own text: its headings'. The templates' ids and those of the pages that list
    /// items are added by the resolve phase (`SiteResolver.AnchorIndex`).
    public let anchors: Set<String>

    public var path: String { source.path }

    public convenience init(source: SourceFile, collection: String?, isList: Bool, title: String, navigationTitle: String?, description: String?,
                            layout: String?, draft: Bool, tableOfContents: Bool?, fields: [String: FieldValue] = [:],
                            fieldLocations: [String: SourceLocation] = [:], hasOwnPage: Bool = true, citations: [String] = [],
                            uncitedParagraphs: [SourceLocation] = [],
                            body: RenderedMarkdown, internalLinks: [(location: SourceLocation, target: LinkTarget)], holderURL: String) {
        self.init(source: source, collection: collection, isList: isList, title: title, navigationTitle: navigationTitle, description: description,
                  layout: layout, draft: draft, tableOfContents: tableOfContents, fields: fields, fieldLocations: fieldLocations,
                  hasOwnPage: hasOwnPage, citations: citations, uncitedParagraphs: uncitedParagraphs,
                  text: DocumentText(body.html), headings: body.headings, internalLinks: internalLinks, holderURL: holderURL)
    }

    init(source: SourceFile, collection: String?, isList: Bool, title: String, navigationTitle: String?, description: String?,
         layout: String?, draft: Bool, tableOfContents: Bool?, fields: [String: FieldValue], fieldLocations: [String: SourceLocation],
         hasOwnPage: Bool, citations: [String], uncitedParagraphs: [SourceLocation],
         text: DocumentText, headings: [Heading], internalLinks: [(location: SourceLocation, target: LinkTarget)], holderURL: String) {
        self.source = source
        self.collection = collection
        self.isList = isList
        self.title = title
        self.navigationTitle = navigationTitle
        self.description = description
        self.layout = layout
        self.draft = draft
        self.tableOfContents = tableOfContents
        self.fields = fields
        self.fieldLocations = fieldLocations
        self.hasOwnPage = hasOwnPage
        self.citations = citations
        self.uncitedParagraphs = uncitedParagraphs
        self.text = text
        self.headings = headings
        self.internalLinks = internalLinks
        self.holderURL = holderURL
        anchors = Set(headings.map(\.id))
    }

    /// The body's HTML.
    public var html: String { text.parts.html }
    /// Whether the HTML is in memory as text (`DocumentText`): one taken from the store is not until shown.
    var htmlIsDecoded: Bool { text.isDecoded }
    /// The body as the parse rendered it, its HTML and headings (destinations as written are not kept).
    public var body: RenderedMarkdown { RenderedMarkdown(html: html, headings: headings, links: []) }
    /// The body's opening paragraph, when it starts with one, and the rest: templates get `page.lede` and
    /// `page.rest`, so that a layout can put the infobox and the contents after it.
    public var lede: Substring { let parts = text.parts; return parts.html[..<parts.ledeEnd] }
    public var rest: Substring { let parts = text.parts; return parts.html[parts.ledeEnd...] }
    /// The body before cmark-gfm's footnotes section (always last), and the section: `page.prose` and
    /// `page.notes`, so that a layout can put something, such as a table, between the text and its notes.
    public var prose: Substring { let parts = text.parts; return parts.html[..<parts.notesStart] }
    public var notes: Substring { let parts = text.parts; return parts.html[parts.notesStart...] }
}

/// A document's HTML: the String the parse made, or the bytes of the parse store it was kept in, decoded the
/// first time a page shows it. A rebuild after one edit takes every other document from the store and renders
/// few of them: decoding (and validating) every document's HTML would be most of its parse phase.
///
/// The bytes are repaired, not rejected, when they are not UTF-8 (a store forged to pass its checksums): they
/// are decoded with replacement characters, since a forged store can give any parse anyway. The store's other
/// strings are checked when read, and a file whose entry has one that is not UTF-8 is parsed again.
final class DocumentText: Sendable {
    struct Parts: Sendable {
        var html: String
        var ledeEnd: String.Index
        var notesStart: String.Index

        init(_ html: String) {
            self.html = html
            if html.hasPrefix("<p>"), let end = html.utf8Index(of: "</p>\n") {
                ledeEnd = html.utf8.index(end, offsetBy: "</p>\n".utf8.count)
            } else {
                ledeEnd = html.startIndex
            }
            notesStart = html.utf8Index(of: "<section class=\"footnotes\"", last: true) ?? html.endIndex
        }
    }

    private enum State: Sendable {
        case decoded(Parts)
        case stored(StoreSlice)
    }

    private let state: Mutex<State>

    /// Made by the parse: its lede and notes found at once, on the parsing threads.
    init(_ html: String) { state = Mutex(.decoded(Parts(html))) }

    init(stored: StoreSlice) { state = Mutex(.stored(stored)) }

    /// Whether the HTML was made or decoded yet.
    var isDecoded: Bool {
        state.withLock { if case .decoded = $0 { true } else { false } }
    }

    var parts: Parts {
        state.withLock { state in
            switch state {
            case .decoded(let parts): return parts
            case .stored(let slice):
                let parts = Parts(slice.withBytes { String(decoding: $0, as: UTF8.self) })
                state = .decoded(parts)
                return parts
            }
        }
    }
}

extension Document {
    /// Whether `other` is this document but for its text: every property the parse gives but the HTML and
    /// where its links and uncited paragraphs are written (its title, fields, headings, link targets,
    /// citations…) the same. Then the resolve phase works out the same of both but their link checks'
    /// diagnostics, and only the pages that read this document's text show the difference. Compared through
    /// the parse store's encoding, which holds every property (its round-trip test sees to that): a property
    /// added to `Document` is compared without a list to keep.
    func sameButText(_ other: Document) -> Bool {
        path == other.path && holderURL == other.holderURL
            && ParseStore.encode(self, [], forComparison: true) == ParseStore.encode(other, [], forComparison: true)
    }

    /// An item of a collection (not its folder's page).
    public var isItem: Bool { collection != nil && !isList }
    /// The layout this document's page renders with.
    func layoutName(in collections: Collections) -> String {
        if let layout { return layout }
        guard let collection, let declared = collections[collection] else { return "page" }
        return (isList ? declared.listLayout : declared.layout) ?? "page"
    }
}
