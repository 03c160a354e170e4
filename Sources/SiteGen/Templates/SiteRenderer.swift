import Foundation

/// A file of the finished site: its path inside the output folder and its bytes.
public struct OutputFile: Sendable {
    public var path: String
    public var contents: Contents
    /// The content file it was made from, as diagnostics name it.
    public var origin: String?

    public init(path: String, contents: Contents, origin: String? = nil) {
        self.path = path
        self.contents = contents
        self.origin = origin
    }

    public enum Contents: Sendable {
        case text(String)
        /// Made in the render phase, on its threads.
        case rendered(@Sendable () throws -> String)
        /// A file copied from disk as it is (assets, static content files).
        case copy(from: String)
    }

    /// The file's bytes: rendered, or read from its source.
    func bytes() throws -> [UInt8] {
        switch contents {
        case .text(let text): return Array(text.utf8)
        case .rendered(let render): return Array(try render().utf8)
        case .copy(let source):
            guard let bytes = ContentLoader.readBytes(source) else { throw OutputError("cannot read \(source)") }
            return bytes
        }
    }
}

/// A page's layout rendered to nothing but white space: a page with no content is never published.
struct EmptyLayout: Error, CustomStringConvertible {
    let layout: String
    var description: String {
        "the layout `\(layout)` (templates/\(layout).\(TemplateSet.fileExtension)) renders nothing for this page; check its sections and the names they test"
    }
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
        OutputFile(path: page.holderURL + "index.html", contents: .rendered { try render(page) },
                   origin: page.source.displayPath)
    }

    /// The HTML of one page: its layout, then the base layout around it.
    public func render(_ page: Document) throws -> String {
        let values = PageValues(renderer: self, page: page, url: page.holderURL, title: page.title)
        let layout = page.layout ?? page.kind.defaultLayout
        let main = render(values, with: layout)
        if main.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) { throw EmptyLayout(layout: layout) }
        values.main = main
        return render(values, with: TemplateSet.baseLayout)
    }

    /// Renders one template with a page's values, handed to swift-mustache inside a struct: it casts the
    /// object it looks each variable up in several times, and a class instance in `Any` would first go
    /// through the runtime's check for a boxed value on every cast.
    private func render(_ values: PageValues, with template: String) -> String {
        templates.render(PageScope(values: values), template: template) ?? ""
    }

    /// The not-found page, written at the root; servers show it for any missing path.
    public func renderNotFound() -> OutputFile {
        // Served for missing paths at any depth, so only absolute URLs are sure to work.
        let values = PageValues(renderer: self, page: nil, url: "", title: "Page not found", absoluteRoot: baseURL)
        values.main = render(values, with: TemplateSet.notFoundLayout)
        return OutputFile(path: "404.html", contents: .text(render(values, with: TemplateSet.baseLayout)))
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

    // MARK: Contexts

    private func date(_ date: PartialDate?) -> [String: Any]? {
        guard let date else { return nil }
        return ["text": date.displayText, "iso": date.description]
    }

    private func chiefLink(_ chief: ChiefOfMission, from url: String) -> [String: Any] {
        ["name": chief.fields.name, "href": SitePath.relative(from: url, to: chief.document.holderURL), "title": chief.fields.title]
    }

    func timelineContext(url: String) -> [String: Any] {
        let decades = TimelineEntry.decades(of: TimelineEntry.entries(of: site))
        return [
            "decades": decades.map { decade -> [String: Any] in
                ["id": decade.id, "label": decade.label, "entries": decade.entries.map { entryContext($0, url: url) }]
            },
            "eventCount": site.events.count,
            "termCount": site.chiefs.count,
        ]
    }

    private func entryContext(_ entry: TimelineEntry, url: String) -> [String: Any] {
        var context: [String: Any] = ["id": entry.id, "date": date(entry.date)!]
        switch entry.kind {
        case .event(let event):
            context["isEvent"] = true
            context["title"] = event.title
            context["body"] = event.body.html
            let related = Self.markingLast((event.event?.related ?? []).compactMap { item -> [String: Any]? in
                guard let page = site.page(at: item.path) else { return nil }
                return ["title": page.title, "href": SitePath.relative(from: url, to: page.holderURL)]
            })
            context["related"] = related
            context["hasRelated"] = !related.isEmpty
            if let chief = site.chiefOfEvent[event.path] {
                var link = chiefLink(chief, from: url)
                if let end = site.recordEnd, chief.fields.left == nil, chief.successorPath == nil, entry.date.earliest > end.latest {
                    link["asOf"] = end.displayText
                }
                context["chief"] = link
            }
        case .termStart(let chief):
            context["isTerm"] = true
            context["chief"] = chiefLink(chief, from: url)
            context["presented"] = chief.fields.credentials != nil
            if let number = chief.number { context["number"] = number }
        }
        return context
    }

    func indexContext(url: String) -> [String: Any] {
        ["chiefs": site.chiefs.map { chief -> [String: Any] in
            var row = chiefLink(chief, from: url)
            row["id"] = SitePath.eventAnchor(forSource: chief.path)
            if let number = chief.number { row["number"] = number }
            row["appointed"] = date(chief.fields.appointed)
            row["credentials"] = date(chief.fields.credentials)
            row["left"] = date(chief.fields.left)
            if let by = chief.fields.appointedBy { row["appointedBy"] = by }
            row["inferred"] = chief.fields.appointedByInferred
            return row
        }, "count": site.chiefs.count, "ambassadorCount": site.chiefs.count { $0.number != nil }]
    }

    func chiefContext(_ chief: ChiefOfMission, url: String) -> [String: Any] {
        var context = chiefLink(chief, from: url)
        if let number = chief.number {
            context["number"] = number
            context["ordinal"] = Self.ordinal(number)
        }
        context["appointed"] = date(chief.fields.appointed)
        context["credentials"] = date(chief.fields.credentials)
        context["left"] = date(chief.fields.left)
        if chief.endIsSuccessorStart { context["until"] = date(chief.end) }
        if let by = chief.fields.appointedBy { context["appointedBy"] = by }
        context["inferred"] = chief.fields.appointedByInferred
        if let path = chief.predecessorPath, let predecessor = site.chiefsByPath[path] { context["predecessor"] = chiefLink(predecessor, from: url) }
        if let path = chief.successorPath, let successor = site.chiefsByPath[path] { context["successor"] = chiefLink(successor, from: url) }
        let timelineURL = SitePath.pageURL(forSource: PageKind.timelineFolder + "/index.md")
        let events = site.events.filter { site.chiefOfEvent[$0.path]?.path == chief.path }
        context["hasEvents"] = !events.isEmpty
        context["events"] = events.map { event -> [String: Any] in
            ["title": event.title, "date": date(event.event!.date)!,
             "href": SitePath.relative(from: url, to: timelineURL) + "#" + SitePath.eventAnchor(forSource: event.path)]
        }
        context["timelineHref"] = SitePath.relative(from: url, to: timelineURL) + "#" + TimelineEntry.termAnchor(chief)
        return context
    }

    /// Sets `last` on the final item, for templates that separate items with commas.
    static func markingLast(_ items: [[String: Any]]) -> [[String: Any]] {
        var items = items
        if !items.isEmpty { items[items.count - 1]["last"] = true }
        return items
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

    func infoboxContext(url: String) -> [String: Any] {
        var context: [String: Any] = [:]
        if let latest = site.chiefs.last {
            var link = chiefLink(latest, from: url)
            link["since"] = date(latest.fields.start)
            context["latestChief"] = link
        }
        if let end = site.recordEnd { context["recordEnd"] = date(end) }
        return context
    }
}
