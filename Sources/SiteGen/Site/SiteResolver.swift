/// The resolve phase: builds the site model from parsed documents and checks everything that
/// spans files (output collisions, links and anchors, references, the order and spans of items).
public struct SiteResolver: Sendable {
    public let config: SiteConfig
    public let configSource: SourceFile
    public let links: LinkResolver
    /// The ids each layout gives a page (`id="…"` written in it, its partials and the base layout), by
    /// layout name: links may point at them.
    public let layoutIDs: @Sendable (String) -> Set<String>

    public init(config: SiteConfig, configSource: SourceFile, links: LinkResolver,
                layoutIDs: @escaping @Sendable (String) -> Set<String> = { _ in ["main"] }) {
        self.config = config
        self.configSource = configSource
        self.links = links
        self.layoutIDs = layoutIDs
    }

    /// The resolver of a site with these templates, whose ids its links may point at.
    public init(config: SiteConfig, configSource: SourceFile, links: LinkResolver, templates: TemplateSet?) {
        self.init(config: config, configSource: configSource, links: links, layoutIDs: { [templates] in templates?.ids(ofLayout: $0) ?? [] })
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
    /// or fields since: see `LiveSite`); on return, every published document's. Their diagnostics are in
    /// `linkChecks` only; `diagnostics` gets the rest, which depends on no document's text beyond its face.
    func resolve(_ documents: [Document], staticFiles: [(path: String, sourceFile: String)], jobs: Int,
                 linkChecks: inout [String: CheckedLinks], diagnostics: inout DiagnosticList) -> (Site, LinkContext) {
        let published = documents.filter { !$0.draft }
        let byPath = Dictionary(uniqueKeysWithValues: documents.map { ($0.path, $0) })
        let pages = published.filter(\.hasOwnPage).sorted { $0.path < $1.path }
        checkCollisions(pages, staticFiles: staticFiles.map(\.path), diagnostics: &diagnostics)
        var relations = RelationResolver(collections: config.collections)
        relations.resolve(published, byPath: byPath, failedToParse: { failedToParse($0, byPath: byPath) }, diagnostics: &diagnostics)
        let site = Site(config: config, pages: pages, collections: relations.resolved, items: relations.items,
                        inverses: relations.inverses, linkedFrom: Self.linkGraph(published), staticFiles: staticFiles)
        if site.pagesByURL[""] == nil, !links.urls.contains(where: { $0.value.isEmpty && failedToParse($0.key, byPath: byPath) }) {
            diagnostics.append(.error(configSource.displayPath.replacingLastComponent(with: "index.md"),
                                      "the site has no home page: create index.md with a title"))
        }
        let anchors = AnchorIndex(pagesByURL: site.pagesByURL, listed: listedAnchors(site), layouts: layoutAnchors(site),
                                  collections: config.collections)
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
        checkAnchorFields(site, diagnostics: &diagnostics)
        for (path, location) in config.navigation {
            if failedToParse(path, byPath: byPath) { continue }
            if byPath[path] == nil || byPath[path]?.draft == true || byPath[path]?.hasOwnPage == false {
                diagnostics.error(configSource.displayPath, location, "navigation names \(path), which is not a published page")
            }
        }
        return (site, LinkContext(anchors: anchors, byPath: byPath))
    }

    private func layoutAnchors(_ site: Site) -> [String: Set<String>] {
        var layouts: [String: Set<String>] = [:]
        for page in site.pages {
            let layout = page.layoutName(in: config.collections)
            if layouts[layout] == nil { layouts[layout] = layoutIDs(layout) }
        }
        return layouts
    }

    /// For each document, the published documents whose text links to it ("what links here"), each once,
    /// in path order.
    static func linkGraph(_ documents: [Document]) -> [String: [String]] {
        var graph: [String: [String]] = [:]
        for document in documents.sorted(by: { $0.path < $1.path }) {
            var seen: Set<String> = []
            for (_, target) in document.internalLinks {
                if case .content(let path, _) = target, path != document.path, seen.insert(path).inserted {
                    graph[path, default: []].append(document.path)
                }
            }
        }
        return graph
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

    /// The ids of the folder pages of collections, which list items: each entry's anchor (an item's file
    /// name, a merged item's with its prefix), the groups', and, for items shown whole there (without a page
    /// of their own), their headings and their anchor fields (former anchors).
    func listedAnchors(_ site: Site) -> [String: Set<String>] {
        var listed: [String: Set<String>] = [:]
        for collection in site.collections.values {
            let url = SitePath.pageURL(forSource: collection.declaration.folder + "/index.md")
            var ids = Self.listIDs(collection)
            for item in collection.items { ids.formUnion(Self.anchorFieldValues(item, in: collection.declaration).map(\.id)) }
            listed[url, default: []].formUnion(ids)
        }
        return listed
    }

    /// A folder page's ids, former anchors aside.
    static func listIDs(_ collection: ResolvedCollection) -> Set<String> {
        var ids = Set(collection.entries.map(\.id))
        if !collection.declaration.itemPages {
            for item in collection.items { ids.formUnion(item.headings.map(\.id)) }
        }
        if let grouping = collection.declaration.grouping {
            for group in StreamGroup.groups(of: collection.entries, by: grouping) { ids.insert(group.id) }
        }
        return ids
    }

    /// The values of an item's anchor fields (`anchor`, `list of anchor`), with where each is written.
    static func anchorFieldValues(_ item: Document, in collection: ContentCollection) -> [(id: String, location: SourceLocation)] {
        var found: [(String, SourceLocation)] = []
        for field in collection.fields where field.type == .anchor || field.type == .list([.anchor]) {
            switch item.fields[field.name] {
            case .text(let id)?: found.append((id, item.fieldLocations[field.name] ?? SourceLocation(line: 1, column: 1)))
            case .list(let ids)?:
                for (index, value) in ids.enumerated() {
                    if case .text(let id) = value {
                        found.append((id, item.fieldLocations["\(field.name)#\(index)"] ?? item.fieldLocations[field.name] ?? SourceLocation(line: 1, column: 1)))
                    }
                }
            default: break
            }
        }
        return found
    }

    /// Every id each output page has, to check `#fragment` links against.
    struct AnchorIndex {
        let pagesByURL: [String: Document]
        let listed: [String: Set<String>]
        /// The ids of each layout's templates, by layout name.
        let layouts: [String: Set<String>]
        var collections = Collections.none

        func contains(_ id: String, at url: String) -> Bool {
            guard let page = pagesByURL[url] else { return listed[url]?.contains(id) == true }
            return contains(id, on: page)
        }

        /// The same for a page already at hand (not an item without a page: its holder's URL is not its own).
        func contains(_ id: String, on page: Document) -> Bool {
            page.anchors.contains(id) || listed[page.holderURL]?.contains(id) == true
                || layouts[page.layoutName(in: collections)]?.contains(id) == true
        }

        /// All of them, for suggestions; nil if no page has that URL.
        func all(at url: String) -> Set<String>? {
            let own = pagesByURL[url].map { $0.anchors.union(layouts[$0.layoutName(in: collections)] ?? []) }, more = listed[url]
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
                    diagnostics.error(shown, location, "link to \(path), which does not exist\(Self.pathSuggestion(path, in: byPath.keys))")
                    continue
                }
                if page.draft {
                    diagnostics.error(shown, location, "link to \(path), which is a draft and will not be published")
                    continue
                }
                // The fragment of an item without a page is not checked (its anchor is its file name).
                guard let fragment, page.hasOwnPage else { continue }
                if !anchors.contains(fragment, on: page) {
                    let url = page.holderURL
                    diagnostics.error(shown, location, "\(path) has no heading or anchor #\(fragment)\(suggestion(fragment, in: anchors.all(at: url)))")
                }
            }
        }
    }

    /// A former anchor (an anchor field) must not be an id its page has already: two elements would share it.
    private func checkAnchorFields(_ site: Site, diagnostics: inout DiagnosticList) {
        for collection in site.collections.values.sorted(by: { $0.name < $1.name }) {
            let fields = collection.items.map { Self.anchorFieldValues($0, in: collection.declaration) }
            guard fields.contains(where: { !$0.isEmpty }) else { continue }
            let url = SitePath.pageURL(forSource: collection.declaration.folder + "/index.md")
            var taken = Self.listIDs(collection)
            if let page = site.pagesByURL[url] { taken.formUnion(page.anchors.union(layoutIDs(page.layoutName(in: config.collections)))) }
            for (item, values) in zip(collection.items, fields) {
                for (alias, location) in values where !taken.insert(alias).inserted {
                    diagnostics.error(item.source.displayPath, location, "#\(alias) is already an id on \(url.isEmpty ? "the home page" : url); an anchor field names an anchor that no longer exists")
                }
            }
        }
    }

    private func suggestion(_ fragment: String, in ids: Set<String>?) -> String {
        guard let near = ids?.map({ (editDistance($0, fragment), $0) }).min(by: <), near.0 <= 2 else { return "" }
        return "; did you mean #\(near.1)?"
    }

    static func pathSuggestion(_ path: String, in paths: some Sequence<String>) -> String {
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
