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
            let layout = page.layout ?? page.kind.defaultLayout
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
        let layout = page.layout ?? page.kind.defaultLayout
        let main = templates.render(.object(values), template: layout)
        if main.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
            throw EmptyLayout(template: templates.displayPaths[layout] ?? "templates/\(layout).\(TemplateSet.fileExtension)")
        }
        values.main = main
        return templates.render(.object(values), template: TemplateSet.baseLayout, capacity: main.count + 4096)
    }

    /// The files that are not a content page's: the not-found page, robots.txt, the sitemap and the feed
    /// (the last two with `base_url`), and the search index (with `search: true`). `build` and `serve` both
    /// take them from here.
    public func siteWideFiles(jobs: Int = ProcessInfo.processInfo.activeProcessorCount) -> [OutputFile] {
        [renderNotFound(), renderRobots()] + [renderSitemap(), renderFeed()].compactMap { $0 } + searchIndexFiles(jobs: jobs)
    }

    /// The search index's files, or none when the site has no search.
    public func searchIndexFiles(jobs: Int) -> [OutputFile] {
        guard site.config.search else { return [] }
        return SearchIndex.files(searchEntries(jobs: jobs), jobs: jobs)
    }

    /// What search finds: every page but the ones that show search itself, then every event at its row
    /// on the timeline; each from its rendered Markdown, the main content the reader sees.
    func searchEntries(jobs: Int) -> [SearchEntry] {
        let documents = site.pages.filter { $0.layout != Self.searchLayout } + site.events
        return SearchEntryCache.shared.entries(for: documents, jobs: jobs) { document in
            let url: String, kind: String, date: String
            switch document.kind {
            case .event:
                url = Self.timelineURL + "#" + SitePath.eventAnchor(forSource: document.path)
                kind = "e"
                date = document.event?.date.displayText ?? ""
            case .ambassador:
                url = document.holderURL
                kind = "c"
                let chief = site.chiefsByPath[document.path]
                date = [chief?.fields.start, chief?.end].map { $0?.displayText ?? "" }.joined(separator: " – ")
            default:
                url = document.holderURL
                kind = "p"
                date = ""
            }
            return (url, kind, date == " – " ? "" : date)
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

    /// Where the timeline's Atom feed is published: nil without `base_url` (a feed's ids and links are
    /// absolute) or without a timeline page.
    public var feedURL: String? {
        guard let baseURL, site.pages.contains(where: { $0.kind == .timeline }) else { return nil }
        return baseURL + Self.feedPath
    }
    static let feedFile = "feed.xml"
    static let timelineURL = SitePath.pageURL(forSource: PageKind.timelineFolder + "/index.md")
    static let feedPath = timelineURL + feedFile

    /// The timeline as an Atom feed (RFC 4287): every event an entry, newest first, its id and link the
    /// event's anchor on the timeline page, `updated` its date (the first day of a month or year known only
    /// so), its text as the summary. Relative links in the text resolve against the timeline page (`xml:base`).
    public func renderFeed() -> OutputFile? {
        // The sources' texts were rid of what XML forbids as they were read (`ForbiddenCharacters`), with a
        // warning; this is the last guard of a file that no feed reader reads at all with one such character.
        guard let xml = renderFeedText() else { return nil }
        return OutputFile(path: Self.feedPath, contents: .text(ForbiddenCharacters.replaced(in: xml)?.text ?? xml))
    }

    private func renderFeedText() -> String? {
        guard let feedURL, let baseURL else { return nil }
        let timeline = baseURL + Self.timelineURL
        func stamp(_ date: PartialDate) -> String {
            String(format: "%04d-%02d-%02dT00:00:00Z", date.year, date.month ?? 1, date.day ?? 1)
        }
        let events = site.events.reversed()
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"\(timeline.htmlEscaped)\">\n"
        xml += "  <title>\((site.config.title + ": timeline").htmlEscaped)</title>\n"
        xml += "  <id>\(timeline.htmlEscaped)</id>\n"
        xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(feedURL.htmlEscaped)\"/>\n"
        xml += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(timeline.htmlEscaped)\"/>\n"
        let latest = site.events.compactMap { $0.event?.date }.max()
        xml += "  <updated>\(latest.map(stamp) ?? "1970-01-01T00:00:00Z")</updated>\n"
        xml += "  <author><name>\(site.config.title.htmlEscaped)</name></author>\n"
        for event in events {
            guard let date = event.event?.date else { continue }
            let link = (timeline + "#" + SitePath.eventAnchor(forSource: event.path)).htmlEscaped
            xml += "  <entry>\n    <id>\(link)</id>\n    <title>\(event.title.htmlEscaped)</title>\n    <updated>\(stamp(date))</updated>\n"
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(link)\"/>\n"
            xml += "    <summary type=\"html\">\(event.body.html.htmlEscaped)</summary>\n  </entry>\n"
        }
        xml += "</feed>\n"
        return xml
    }

    // MARK: Contexts

    private func date(_ date: PartialDate?) -> TemplateValue? {
        guard let date else { return nil }
        return ["text": .text(date.displayText), "iso": .text(date.description)]
    }

    private func chiefLink(_ chief: ChiefOfMission, from url: String) -> [String: TemplateValue] {
        ["name": .text(chief.fields.name), "href": .text(SitePath.relative(from: url, to: chief.document.holderURL)), "title": .text(chief.fields.title)]
    }

    func timelineContext(url: String) -> TemplateValue {
        let decades = TimelineEntry.decades(of: TimelineEntry.entries(of: site))
        return [
            "decades": .list(decades.map { decade -> TemplateValue in
                ["id": .text(decade.id), "label": .text(decade.label), "entries": .list(decade.entries.map { entryContext($0, url: url) })]
            }),
            "eventCount": .integer(site.events.count),
            "termCount": .integer(site.chiefs.count),
        ]
    }

    private func entryContext(_ entry: TimelineEntry, url: String) -> TemplateValue {
        var context: [String: TemplateValue] = ["id": .text(entry.id), "date": date(entry.date)!]
        switch entry.kind {
        case .event(let event):
            context["isEvent"] = true
            context["title"] = .text(event.title)
            context["body"] = .text(event.body.html)
            // "Concerns" lists what the entry does not show already: not a page its text links to, nor the
            // chief of mission its "in office" line names.
            let linked = Set(event.internalLinks.compactMap { link -> String? in
                if case .content(let path, _) = link.target { return path }
                return nil
            })
            let inOffice = site.chiefOfEvent[event.path]?.path
            let related = Self.markingLast((event.event?.related ?? []).compactMap { item -> [String: TemplateValue]? in
                guard !linked.contains(item.path), item.path != inOffice, let page = site.page(at: item.path) else { return nil }
                return ["title": .text(page.title), "href": .text(SitePath.relative(from: url, to: page.holderURL))]
            })
            context["related"] = .list(related)
            context["aliases"] = .list((event.event?.aliases ?? []).map { ["id": .text($0.id)] })
            context["hasRelated"] = .flag(!related.isEmpty)
            if let chief = site.chiefOfEvent[event.path] {
                var link = chiefLink(chief, from: url)
                if let end = site.recordEnd, chief.fields.left == nil, chief.successorPath == nil, entry.date.earliest > end.latest {
                    link["asOf"] = .text(end.displayText)
                }
                context["chief"] = .dictionary(link)
            }
        case .termStart(let chief):
            context["isTerm"] = true
            context["chief"] = .dictionary(chiefLink(chief, from: url))
            context["presented"] = .flag(chief.fields.credentials != nil && chief.fields.isAmbassador)
            context["tookCharge"] = .flag(chief.fields.credentials != nil && !chief.fields.isAmbassador)
            if let number = chief.number { context["number"] = .integer(number) }
        }
        return .dictionary(context)
    }

    func indexContext(url: String) -> TemplateValue {
        ["chiefs": .list(site.chiefs.map { chief -> TemplateValue in
            var row = chiefLink(chief, from: url)
            row["id"] = .text(SitePath.eventAnchor(forSource: chief.path))
            if let number = chief.number { row["number"] = .integer(number) }
            row["appointed"] = date(chief.fields.appointed)
            row["credentials"] = date(chief.fields.credentials)
            row["tookCharge"] = .flag(!chief.fields.isAmbassador)
            row["left"] = date(chief.fields.left)
            if let by = chief.fields.appointedBy { row["appointedBy"] = .text(by) }
            row["inferred"] = .flag(chief.fields.appointedByInferred)
            return .dictionary(row)
        }), "count": .integer(site.chiefs.count), "ambassadorCount": .integer(site.chiefs.count { $0.number != nil })]
    }

    func chiefContext(_ chief: ChiefOfMission, url: String) -> TemplateValue {
        var context = chiefLink(chief, from: url)
        if let number = chief.number {
            context["number"] = .integer(number)
            context["ordinal"] = .text(Self.ordinal(number))
        }
        context["appointed"] = date(chief.fields.appointed)
        context["credentials"] = date(chief.fields.credentials)
        context["tookCharge"] = .flag(!chief.fields.isAmbassador)
        context["left"] = date(chief.fields.left)
        if chief.endIsSuccessorStart { context["until"] = date(chief.end) }
        if let by = chief.fields.appointedBy { context["appointedBy"] = .text(by) }
        context["inferred"] = .flag(chief.fields.appointedByInferred)
        if let path = chief.predecessorPath, let predecessor = site.chiefsByPath[path] { context["predecessor"] = .dictionary(chiefLink(predecessor, from: url)) }
        if let path = chief.successorPath, let successor = site.chiefsByPath[path] { context["successor"] = .dictionary(chiefLink(successor, from: url)) }
        let timelineURL = SitePath.pageURL(forSource: PageKind.timelineFolder + "/index.md")
        let events = site.events.filter { site.chiefOfEvent[$0.path]?.path == chief.path }
        context["hasEvents"] = .flag(!events.isEmpty)
        context["events"] = .list(events.map { event -> TemplateValue in
            ["title": .text(event.title), "date": date(event.event!.date)!,
             "href": .text(SitePath.relative(from: url, to: timelineURL) + "#" + SitePath.eventAnchor(forSource: event.path))]
        })
        context["timelineHref"] = .text(SitePath.relative(from: url, to: timelineURL) + "#" + TimelineEntry.termAnchor(chief))
        return .dictionary(context)
    }

    /// Sets `last` on the final item, for templates that separate items with commas.
    static func markingLast(_ items: [[String: TemplateValue]]) -> [TemplateValue] {
        var items = items
        if !items.isEmpty { items[items.count - 1]["last"] = true }
        return items.map { .dictionary($0) }
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

    func infoboxContext(url: String) -> TemplateValue {
        var context: [String: TemplateValue] = [:]
        if let latest = site.chiefs.last {
            var link = chiefLink(latest, from: url)
            link["since"] = date(latest.fields.start)
            context["latestChief"] = .dictionary(link)
        }
        if let end = site.recordEnd { context["recordEnd"] = date(end) }
        return .dictionary(context)
    }
}
