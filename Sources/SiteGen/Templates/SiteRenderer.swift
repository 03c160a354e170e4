import Foundation

/// A file of the finished site: its path inside the output folder and its bytes.
public struct OutputFile: Sendable {
    public var path: String
    public var contents: Contents
    /// The content file it was made from, as diagnostics name it.
    public var origin: String?
    /// The last build published this file with the bytes it would have now (`PublishedPages`): a sink that
    /// still holds it keeps it as it is, and it is not rendered.
    var asPublished = false

    public init(path: String, contents: Contents, origin: String? = nil) {
        self.path = path
        self.contents = contents
        self.origin = origin
    }

    public enum Contents: Sendable {
        case text(String)
        case bytes([UInt8])
        /// Made in the render phase, on its threads.
        case rendered(@Sendable () throws -> [UInt8])
        /// A file copied from disk as it is (assets, static content files).
        case copy(from: String)
    }

    /// The file's bytes: rendered, or read from its source.
    func bytes() throws -> [UInt8] {
        switch contents {
        case .text(let text): return Array(text.utf8)
        case .bytes(let bytes): return bytes
        case .rendered(let render): return try render()
        case .copy(let source):
            // Sources are plain files or the checked real paths of links (the load phase): one swapped for a
            // link since is not read.
            guard let bytes = ContentLoader.readBytes(source, followingLink: false) else { throw OutputError("cannot read \(source)") }
            return bytes
        }
    }
}

/// What each page's templates read (`RenderContext`), gathered from the rendering threads.
final class PageReadLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reads: [String: PageReads] = [:]

    func record(_ read: PageReads, by page: String) {
        lock.withLock { reads[page] = read }
    }

    var all: [String: PageReads] { lock.withLock { reads } }
}

/// A page's layout rendered to nothing but white space: a page with no content is never published.
struct EmptyLayout: Error {
    /// The layout's template, as diagnostics name it.
    let template: String
}

/// The render phase: fills the templates for every page of the resolved site.
public struct SiteRenderer: Sendable {
    public let site: Site
    public let templates: TemplateSet
    /// Absolute URL of the published site, for the sitemap; nil writes no sitemap.
    public let baseURL: String?

    /// A page with at least this many section headings gets a table of contents unless it says otherwise.
    static let tableOfContentsMinimum = 3

    /// What each page rendered by this renderer read, by page path (`RenderContext`).
    let reads = PageReadLog()

    /// The same for every page.
    let siteFields: SiteFields
    let credit: CreditFields?

    public init(site: Site, templates: TemplateSet, baseURL: String?) {
        self.site = site
        self.templates = templates
        self.baseURL = baseURL
        siteFields = SiteFields(title: site.config.title, description: site.config.description)
        credit = site.config.sourceCredit.map(CreditFields.init)
    }

    /// Pages whose layout does not exist, found before anything is rendered.
    public func checkLayouts(into diagnostics: inout DiagnosticList) {
        for page in site.pages {
            let layout = page.layoutName(in: site.config.collections)
            if !templates.names.contains(layout) {
                diagnostics.append(.error(page.source.displayPath, "layout `\(layout)` does not exist: create templates/\(layout).\(TemplateSet.fileExtension) or name one of \(templates.names.sorted().joined(separator: ", "))"))
            }
        }
    }

    /// One page's output file, rendered in the render phase, on its threads.
    public func outputFile(for page: Document) -> OutputFile {
        OutputFile(path: Self.outputPath(of: page), contents: .rendered { try render(page) },
                   origin: page.source.displayPath)
    }

    /// Where a page is written: its folder's `index.html`.
    static func outputPath(of page: Document) -> String { page.holderURL + "index.html" }

    /// The HTML of one page: its layout, then the base layout around it.
    public func render(_ page: Document) throws -> [UInt8] {
        let values = PageValues(renderer: self, page: page, url: page.holderURL, title: page.title)
        let layout = page.layoutName(in: site.config.collections)
        let main = templates.render(.object(values), template: layout)
        if main.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
            throw EmptyLayout(template: templates.displayPaths[layout] ?? "templates/\(layout).\(TemplateSet.fileExtension)")
        }
        values.main = main
        let html = templates.render(.object(values), template: TemplateSet.baseLayout, capacity: main.count + 4096)
        reads.record(values.context.reads, by: page.path)
        return html
    }

    /// The files that are not a content page's: the not-found page, robots.txt, the sitemap and the feed
    /// (the last two with `base_url`), and the search index (with `search: true`). `build` and `serve` both
    /// take them from here.
    public func siteWideFiles(jobs: Int = ProcessInfo.processInfo.activeProcessorCount) -> [OutputFile] {
        [renderNotFound(), renderRobots()] + [renderSitemap()].compactMap { $0 } + renderFeeds() + searchIndexFiles(jobs: jobs)
    }

    /// The search index's files, or none when the site has no search.
    public func searchIndexFiles(jobs: Int) -> [OutputFile] {
        guard site.config.search else { return [] }
        return SearchIndex.files(searchEntries(jobs: jobs), jobs: jobs)
    }

    /// What search finds: every page but the ones that show search itself, then every item without a page of
    /// its own at its row on its folder's page; each from its rendered Markdown, the main content the reader
    /// sees. A result's kind is its collection's name (`page` for the others), its date an item's start, or
    /// its span from start to end when its collection has ends.
    func searchEntries(jobs: Int) -> [SearchEntry] {
        let unsearched = Set(site.declared.filter { !$0.searchable }.map(\.name))
        let documents = site.pages.filter { $0.layout != Self.searchLayout && !($0.isItem && unsearched.contains($0.collection ?? "")) }
            + site.declared.flatMap { collection in collection.itemPages || !collection.searchable ? [] : site.collections[collection.name]?.items ?? [] }
        return SearchEntryCache.shared.entries(for: documents, jobs: jobs) { document in
            let url = document.hasOwnPage ? document.holderURL : document.holderURL + "#" + SitePath.fileStem(document.path)
            guard let name = document.collection, !document.isList, let collection = site.config.collections[name],
                  let facts = site.items[document.path] else { return (url, "page", "") }
            let start = facts.start?.displayText ?? ""
            guard collection.end != nil || collection.lastsUntilNext else { return (url, name, start) }
            let span = start + " – " + (facts.end?.displayText ?? "")
            return (url, name, span == " – " ? "" : span)
        }
    }

    /// Pages with this layout show the search and are not found by it.
    static let searchLayout = "search"

    /// The not-found page, written at the root; servers show it for any missing path.
    public func renderNotFound() -> OutputFile {
        // Served for missing paths at any depth, so only absolute URLs are sure to work.
        let values = PageValues(renderer: self, page: nil, url: "", title: "Page not found", absoluteRoot: baseURL)
        values.main = templates.render(.object(values), template: TemplateSet.notFoundLayout)
        return OutputFile(path: "404.html", contents: .bytes(templates.render(.object(values), template: TemplateSet.baseLayout)))
    }

    public func renderRobots() -> OutputFile {
        var text = "User-agent: *\nAllow: /\n"
        if let baseURL { text += "Sitemap: \(baseURL)sitemap.xml\n" }
        return OutputFile(path: "robots.txt", contents: .text(text))
    }

    public func renderSitemap() -> OutputFile? {
        guard let baseURL else { return nil }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for page in site.pages {
            xml += "  <url><loc>\((baseURL + page.holderURL).htmlEscaped)</loc></url>\n"
        }
        xml += "</urlset>\n"
        return OutputFile(path: "sitemap.xml", contents: .text(xml))
    }

    /// The collections with a feed, each with its folder page (a feed's links go there).
    private var feedCollections: [(ResolvedCollection, Document)] {
        site.declared.compactMap { collection in
            guard collection.feed, let resolved = site.collections[collection.name], let page = resolved.listPage else { return nil }
            return (resolved, page)
        }
    }

    /// Where the first collection with a feed publishes it, for a page's `<link rel="alternate">`: nil without
    /// `base_url` (a feed's ids and links are absolute) or without such a collection.
    public var feedURL: String? {
        guard let baseURL, let (_, page) = feedCollections.first else { return nil }
        return baseURL + page.holderURL + Self.feedFile
    }
    static let feedFile = "feed.xml"

    /// Each feed collection's items as an Atom feed (RFC 4287) beside its folder page: newest first, each
    /// entry's id and link its page, or its anchor on the folder page, `updated` its start (the first day of
    /// a month or year known only so), its text as the summary. Relative links in the text resolve against
    /// the folder page (`xml:base`).
    public func renderFeeds() -> [OutputFile] {
        guard let baseURL else { return [] }
        // The sources' texts were rid of what XML forbids as they were read (`ForbiddenCharacters`), with a
        // warning; this is the last guard of a file that no feed reader reads at all with one such character.
        return feedCollections.map { collection, page in
            let xml = feedText(collection, page: page, baseURL: baseURL)
            return OutputFile(path: page.holderURL + Self.feedFile, contents: .text(ForbiddenCharacters.replaced(in: xml)?.text ?? xml))
        }
    }

    private func feedText(_ collection: ResolvedCollection, page: Document, baseURL: String) -> String {
        let home = baseURL + page.holderURL
        func stamp(_ date: PartialDate) -> String {
            String(format: "%04d-%02d-%02dT00:00:00Z", date.year, date.month ?? 1, date.day ?? 1)
        }
        let dated = collection.items.compactMap { item in site.items[item.path]?.start.map { (item, $0) } }
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"\(home.htmlEscaped)\">\n"
        xml += "  <title>\((site.config.title + ": " + page.title).htmlEscaped)</title>\n"
        xml += "  <id>\(home.htmlEscaped)</id>\n"
        xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\((home + Self.feedFile).htmlEscaped)\"/>\n"
        xml += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(home.htmlEscaped)\"/>\n"
        xml += "  <updated>\(dated.map(\.1).max().map(stamp) ?? "1970-01-01T00:00:00Z")</updated>\n"
        xml += "  <author><name>\(site.config.title.htmlEscaped)</name></author>\n"
        for (item, date) in dated.reversed() {
            let link = (baseURL + item.holderURL + (item.hasOwnPage ? "" : "#" + SitePath.fileStem(item.path))).htmlEscaped
            xml += "  <entry>\n    <id>\(link)</id>\n    <title>\(item.title.htmlEscaped)</title>\n    <updated>\(stamp(date))</updated>\n"
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(link)\"/>\n"
            xml += "    <summary type=\"html\">\(item.html.htmlEscaped)</summary>\n  </entry>\n"
        }
        xml += "</feed>\n"
        return xml
    }

    // MARK: Values shared by the templates' objects

    /// A date as templates see it: `text` for readers, `iso` for `<time datetime>`.
    func date(_ date: PartialDate?) -> TemplateValue? {
        guard let date else { return nil }
        return ["text": .text(date.displayText), "iso": .text(date.description), "year": .integer(date.year)]
    }

    /// The link to a document from the page at `url`: its page, or its row on its folder's page.
    func href(of document: Document, from url: String) -> String {
        document.hasOwnPage ? SitePath.relative(from: url, to: document.holderURL)
            : SitePath.relative(from: url, to: document.holderURL) + "#" + SitePath.fileStem(document.path)
    }

    /// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…
    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }

}
