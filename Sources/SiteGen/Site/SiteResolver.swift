/// The resolve phase: builds the site model from parsed documents and checks everything that
/// spans files (output collisions, links and anchors, references, ambassadors' terms).
public struct SiteResolver: Sendable {
    public let config: SiteConfig
    public let configSource: SourceFile
    public let links: LinkResolver

    public init(config: SiteConfig, configSource: SourceFile, links: LinkResolver) {
        self.config = config
        self.configSource = configSource
        self.links = links
    }

    /// - Parameter jobs: threads for the checks of each page's links.
    public func resolve(_ documents: [Document], staticFiles: [(path: String, sourceFile: String)],
                        jobs: Int = 1, diagnostics: inout DiagnosticList) -> Site {
        var linkChecks: [String: CheckedLinks] = [:]
        let (site, _) = resolve(documents, staticFiles: staticFiles, jobs: jobs, linkChecks: &linkChecks, diagnostics: &diagnostics)
        for checked in linkChecks.values { diagnostics.append(contentsOf: checked.diagnostics) }
        return site
    }

    /// What the check of links needs to know of the whole site: every page's anchors, and every document by path.
    struct LinkContext {
        let anchors: AnchorIndex
        let byPath: [String: Document]
    }

    /// The diagnostics of one document's links.
    func checkLinks(of document: Document, in context: LinkContext) -> [Diagnostic] {
        var found = DiagnosticList()
        checkLinks(of: document, anchors: context.anchors, byPath: context.byPath, diagnostics: &found)
        return found.items
    }

    /// What the check of one document's links found, kept by a preview server between rebuilds.
    struct CheckedLinks {
        /// The document checked: a result is reused only for this very document.
        let document: Document
        let diagnostics: [Diagnostic]
    }

    /// The same, reusing the link checks of documents that did not change. `linkChecks` holds results the
    /// caller knows to be still valid (no page was added, removed, renamed or given other anchors, titles
    /// or kinds since: see `LiveSite`); on return, every published document's. Their diagnostics are in
    /// `linkChecks` only; `diagnostics` gets the rest, which depends on no document's text beyond its face.
    func resolve(_ documents: [Document], staticFiles: [(path: String, sourceFile: String)], jobs: Int,
                 linkChecks: inout [String: CheckedLinks], diagnostics: inout DiagnosticList) -> (Site, LinkContext) {
        let published = documents.filter { !$0.draft }
        let byPath = Dictionary(uniqueKeysWithValues: documents.map { ($0.path, $0) })
        let pages = published.filter { $0.kind != .event }.sorted { $0.path < $1.path }
        let events = published.filter { $0.kind == .event }.sorted {
            ($0.event!.date, $0.path) < ($1.event!.date, $1.path)
        }
        checkCollisions(pages, staticFiles: staticFiles.map(\.path), diagnostics: &diagnostics)
        let chiefs = orderChiefs(pages.filter { $0.kind == .ambassador }, diagnostics: &diagnostics)
        let site = Site(config: config, pages: pages, chiefs: chiefs, events: events,
                        staticFiles: staticFiles,
                        recordEnd: chiefs.flatMap { [$0.fields.appointed, $0.fields.credentials, $0.fields.left] }.compactMap { $0 }.max())
        if site.pagesByURL[""] == nil, !links.urls.contains(where: { $0.value.isEmpty && failedToParse($0.key, byPath: byPath) }) {
            diagnostics.append(.error(configSource.displayPath.replacingLastComponent(with: "index.md"),
                                      "the site has no home page: create index.md with a title"))
        }
        let anchors = AnchorIndex(pagesByURL: site.pagesByURL, listed: listedAnchors(site))
        // Each page's links are checked on their own, on every thread; the list is sorted in the end.
        let known = linkChecks
        let checked = Parallel.map(published, jobs: jobs) { document -> [Diagnostic] in
            if let earlier = known[document.path], earlier.document === document { return earlier.diagnostics }
            var found = DiagnosticList()
            checkLinks(of: document, anchors: anchors, byPath: byPath, diagnostics: &found)
            return found.items
        }
        linkChecks = Dictionary(minimumCapacity: published.count)
        for (document, found) in zip(published, checked) {
            linkChecks[document.path] = CheckedLinks(document: document, diagnostics: found)
        }
        checkReferences(events, byPath: byPath, diagnostics: &diagnostics)
        checkAliases(site, diagnostics: &diagnostics)
        for (path, location) in config.navigation {
            if failedToParse(path, byPath: byPath) { continue }
            if byPath[path] == nil || byPath[path]?.draft == true || PageKind(path: path) == .event {
                diagnostics.error(configSource.displayPath, location, "navigation names \(path), which is not a published page")
            }
        }
        return (site, LinkContext(anchors: anchors, byPath: byPath))
    }

    /// Whether `path` is a Markdown file of the content folder that did not become a document: its front matter
    /// does not parse, or it cannot be read. That file has its own error; a link, a reference or the navigation
    /// naming it is not reported too, as Hugo and Zola report only the broken page: the file is there, the one
    /// thing to fix is in it, and what the links point at in it is checked again once it parses.
    private func failedToParse(_ path: String, byPath: [String: Document]) -> Bool {
        byPath[path] == nil && links.urls[path] != nil
    }

    private func checkCollisions(_ pages: [Document], staticFiles: [String], diagnostics: inout DiagnosticList) {
        // A page is written to its URL's index.html, so pages collide when their URLs do: keyed by URL,
        // no output path is made for each of 10,000 pages.
        var owners = [String: String](minimumCapacity: pages.count)
        for page in pages {
            if let first = owners.updateValue(page.path, forKey: page.holderURL) {
                owners[page.holderURL] = first
                diagnostics.append(.error(page.source.displayPath, "\(page.path) and \(first) would both be written to \(page.holderURL)index.html; rename one"))
            }
        }
        for path in staticFiles where path == "index.html" || path.hasSuffix("/index.html") {
            if let first = owners[String(path.dropLast("index.html".count))] {
                diagnostics.append(.error(path, "this file and \(first) would both be written to \(path)"))
            }
        }
    }

    private func orderChiefs(_ documents: [Document], diagnostics: inout DiagnosticList) -> [ChiefOfMission] {
        var dated: [(Document, AmbassadorFields, PartialDate)] = []
        for document in documents {
            guard let fields = document.ambassador else { continue }
            guard let start = fields.start else {
                diagnostics.append(.error(document.source.displayPath, "a chief of mission needs `appointed` or `credentials` to be placed in order of service"))
                continue
            }
            if let left = fields.left, left.latest < start.earliest {
                let location = fields.locations["left"] ?? SourceLocation(line: 1, column: 1)
                diagnostics.error(document.source.displayPath, location, "term ends (\(left)) before it starts (\(start))")
            }
            dated.append((document, fields, start))
        }
        dated.sort { ($0.2, $0.0.path) < ($1.2, $1.0.path) }
        var chiefs: [ChiefOfMission] = []
        var number = 0
        for (index, (document, fields, _)) in dated.enumerated() {
            if fields.isAmbassador { number += 1 }
            let successor = index + 1 < dated.count ? dated[index + 1] : nil
            chiefs.append(ChiefOfMission(
                document: document, fields: fields, number: fields.isAmbassador ? number : nil,
                predecessorPath: index > 0 ? dated[index - 1].0.path : nil, successorPath: successor?.0.path,
                end: fields.left ?? successor?.2, endIsSuccessorStart: fields.left == nil && successor != nil))
            if let successor, let left = fields.left, successor.2.latest < left.earliest {
                let location = successor.1.locations[successor.1.credentials != nil ? "credentials" : "appointed"] ?? SourceLocation(line: 1, column: 1)
                diagnostics.warning(successor.0.source.displayPath, location,
                                    "term starts (\(successor.2)) before the previous chief, \(fields.name), left (\(left))")
            }
        }
        return chiefs
    }

    /// The ids of the pages that list other documents: the timeline (each event's and term's anchor, the
    /// events' headings, the decades) and the ambassador index (each chief's anchor).
    func listedAnchors(_ site: Site) -> [String: Set<String>] {
        let timelineURL = SitePath.pageURL(forSource: PageKind.timelineFolder + "/index.md")
        var timeline = timelineIDs(site)
        for event in site.events { timeline.formUnion(event.event?.aliases.map(\.id) ?? []) }
        let indexURL = SitePath.pageURL(forSource: PageKind.ambassadorsFolder + "/index.md")
        let index = PageKind.ambassadorIndex.templateAnchors.union(site.chiefs.map { SitePath.eventAnchor(forSource: $0.path) })
        return [timelineURL: timeline, indexURL: index]
    }

    /// The timeline's own ids, its events' former anchors (`aliases`) aside: each event's and term's
    /// anchor, the events' headings, the decades, the template's.
    private func timelineIDs(_ site: Site) -> Set<String> {
        var ids = PageKind.timeline.templateAnchors
        for event in site.events {
            ids.insert(SitePath.eventAnchor(forSource: event.path))
            ids.formUnion(event.body.headings.map(\.id))
        }
        for chief in site.chiefs { ids.insert(TimelineEntry.termAnchor(chief)) }
        for entry in TimelineEntry.decades(of: TimelineEntry.entries(of: site)) { ids.insert(entry.id) }
        return ids
    }

    /// Every id each output page has, to check `#fragment` links against.
    struct AnchorIndex {
        let pagesByURL: [String: Document]
        let listed: [String: Set<String>]

        func contains(_ id: String, at url: String) -> Bool {
            guard let page = pagesByURL[url] else { return listed[url]?.contains(id) == true }
            return contains(id, on: page)
        }

        /// The same for a page already at hand (not an event: its holder's URL is its own).
        func contains(_ id: String, on page: Document) -> Bool {
            page.anchors.contains(id) || listed[page.holderURL]?.contains(id) == true
        }

        /// All of them, for suggestions; nil if no page has that URL.
        func all(at url: String) -> Set<String>? {
            let own = pagesByURL[url]?.anchors, more = listed[url]
            guard let own else { return more }
            return more.map { own.union($0) } ?? own
        }
    }

    private func checkLinks(of document: Document, anchors: AnchorIndex,
                            byPath: [String: Document], diagnostics: inout DiagnosticList) {
        let shown = document.source.displayPath
        for (location, target) in document.internalLinks {
            switch target {
            case .external:
                break
            case .invalid(let message):
                diagnostics.error(shown, location, message)
            case .sameDocument(let fragment):
                if !anchors.contains(fragment, at: document.holderURL) {
                    diagnostics.error(shown, location, "no heading or anchor #\(fragment) on this page\(suggestion(fragment, in: anchors.all(at: document.holderURL)))")
                }
            case .content(let path, let fragment):
                guard let page = byPath[path] else {
                    if links.staticFiles.contains(path) || failedToParse(path, byPath: byPath) { break }
                    diagnostics.error(shown, location, "link to \(path), which does not exist\(pathSuggestion(path, in: byPath.keys))")
                    continue
                }
                if page.draft {
                    diagnostics.error(shown, location, "link to \(path), which is a draft and will not be published")
                    continue
                }
                // An event's fragment is not checked (its anchor is its file name).
                guard let fragment, page.kind != .event else { continue }
                if !anchors.contains(fragment, on: page) {
                    let url = page.holderURL
                    diagnostics.error(shown, location, "\(path) has no heading or anchor #\(fragment)\(suggestion(fragment, in: anchors.all(at: url)))")
                }
            }
        }
    }

    /// An event's former anchor must not be an id the timeline has already: two elements would share it.
    private func checkAliases(_ site: Site, diagnostics: inout DiagnosticList) {
        guard site.events.contains(where: { !($0.event?.aliases.isEmpty ?? true) }) else { return }
        var taken = timelineIDs(site)
        for event in site.events {
            for (alias, location) in event.event?.aliases ?? [] where !taken.insert(alias).inserted {
                diagnostics.error(event.source.displayPath, location, "alias #\(alias) is already an id on the timeline; an alias names an anchor that no longer exists")
            }
        }
    }

    private func checkReferences(_ events: [Document], byPath: [String: Document], diagnostics: inout DiagnosticList) {
        for event in events {
            for (path, location) in event.event?.related ?? [] {
                guard let target = byPath[path] else {
                    if failedToParse(path, byPath: byPath) { continue }
                    diagnostics.error(event.source.displayPath, location, "refers to \(path), which does not exist (paths are from the content folder, e.g. ambassadors/john-gunther-dean.md)\(pathSuggestion(path, in: byPath.keys))")
                    continue
                }
                if target.draft {
                    diagnostics.error(event.source.displayPath, location, "refers to \(path), which is a draft")
                } else if target.kind == .event {
                    diagnostics.error(event.source.displayPath, location, "refers to another event, \(path); name pages and ambassadors here")
                }
            }
        }
    }

    private func suggestion(_ fragment: String, in ids: Set<String>?) -> String {
        guard let near = ids?.map({ (editDistance($0, fragment), $0) }).min(by: <), near.0 <= 2 else { return "" }
        return "; did you mean #\(near.1)?"
    }

    private func pathSuggestion(_ path: String, in paths: some Sequence<String>) -> String {
        guard let near = paths.map({ (editDistance($0, path), $0) }).min(by: <), near.0 <= 2 else { return "" }
        return "; did you mean \(near.1)?"
    }
}

extension String {
    func replacingLastComponent(with name: String) -> String {
        guard let slash = lastIndex(of: "/") else { return name }
        return String(self[...slash]) + name
    }
}
