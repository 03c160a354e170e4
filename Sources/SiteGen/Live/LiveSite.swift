import Foundation

/// What one rebuild of a `LiveSite` found and changed.
public struct LiveUpdate: Sendable {
    public var diagnostics: [Diagnostic]
    /// Output paths whose bytes are new, different or gone, sorted; empty when the rebuild failed.
    public var changed: [String] = []
    /// Content files parsed again, and pages rendered again.
    public var parsed = 0
    public var rendered = 0
    /// Every page was rendered again: a template, the settings or a static file changed, or nothing was
    /// published before.
    public var renderedAll = false
    /// Only the edited files were looked at (`LiveSite.rebuildAfterEdit`).
    public var quick = false
    public var phaseTimes: [(phase: String, seconds: Double)] = []
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
}

/// The site of a preview server: built once, then rebuilt after each edit doing only the work the edit
/// needs, with exactly the bytes `sitegen build` would write (the tests hold it to that).
///
/// - load: the content folder is listed again each time (cheap: no file is opened); a file is read again
///   only when the watcher named it, or when no one says what changed.
/// - parse: `sitegen build`'s parse phase (`ParsePhase`), its earlier parses kept in memory (`KeptParses`):
///   only files whose text changed, the documents whose links name a file that appeared or went away, and
///   the pages citing a source that changed; all of them when the settings change.
/// - resolve: the site is assembled again (cheap); a document's link check is reused while the document
///   is the same object and no document changed but in its text (`Document.sameButText`).
/// - render: the pages whose templates read a document or a collection that changed (`RenderPlan`, from the
///   reads `RenderContext` recorded); every page when a template, the settings or a static file changed.
///
/// A failed rebuild keeps the last good site: `files` changes only when a rebuild succeeds. Not for
/// concurrent use: one rebuild at a time, from one thread (the server's rebuild queue).
public final class LiveSite {
    public let options: BuildOptions
    /// The site as `sitegen build` would write it: output path → bytes.
    public private(set) var files: [String: [UInt8]] = [:]

    private let contentURL: URL
    private let templatesURL: URL

    /// Each Markdown file as last read and parsed: the parse phase's memory store (`KeptParses`).
    private var parsed: [String: ParsedPage] = [:]
    /// The content files the watcher named since the parse phase last ran (a rebuild can stop before it, on
    /// broken settings): each is read again when it next runs. nil when the watcher did not say.
    private var namedSinceParse: Set<String>? = []
    private var markdownOptions: MarkdownOptions?
    /// The settings' text when the documents in `parsed` were parsed: an item is read against its collection's
    /// declaration there.
    private var parsedSettings: String?
    /// The sources of the last rebuild, for the quick rebuild's parse of an edited page.
    private var sourceRegistry = SourceRegistry.none
    /// What each published page's templates read when it was rendered (`RenderContext`).
    private(set) var reads: [String: PageReads] = [:] {
        didSet { textReaders = nil }
    }
    /// For each document, the pages that read its text: the pages a quick rebuild renders, found without going
    /// through every page's reads. Made again from `reads` when asked after they changed.
    private var textReaders: [String: Set<String>]?

    private func pagesReadingText(of paths: [String]) -> Set<String> {
        if textReaders == nil {
            var readers: [String: Set<String>] = [:]
            for (page, read) in reads { for document in read.texts { readers[document, default: []].insert(page) } }
            textReaders = readers
        }
        return paths.reduce(into: Set<String>()) { $0.formUnion(textReaders?[$1] ?? []) }
    }
    /// What pages could read of the site when `files` were made.
    private var publishedDigests = ReadDigests()

    /// Forgets that `page` read `document`: a mutation for the test that a lost read leaves a stale page.
    func forgetRead(of document: String, by page: String) {
        reads[page]?.documents.remove(document)
        reads[page]?.texts.remove(document)
    }
    private var staticBytes: [String: [UInt8]] = [:]
    private var unreadableStatic: [String: Diagnostic] = [:]
    private var listed: (pages: Set<String>, statics: Set<String>)?
    private var settingsText: String?
    private var templateSources: [String: [UInt8]]?
    private var templates: TemplateSet?
    private var templateDiagnostics: [Diagnostic] = []
    private var assetBytes: [String: [UInt8]] = [:]
    private var linkChecks: [String: SiteResolver.CheckedLinks] = [:]
    /// The documents the link checks were made with.
    private var linkCheckWorld: World?
    /// What the published `files` were made from.
    private var published: World?
    /// What a quick rebuild (`rebuildAfterEdit`) reuses from the last one, set when it succeeded.
    private struct Reusable {
        var site: Site
        var config: SiteConfig
        var links: LinkResolver
        var resolver: SiteResolver
        var linkContext: SiteResolver.LinkContext
        /// What links in rendered pages may lead to.
        var linkable: Set<String>
        /// The last rebuild's diagnostics, sorted.
        var diagnostics: [Diagnostic]
    }
    private var reusable: Reusable?
    /// Files a quick rebuild parsed before it gave way to a full one, counted in that one's `parsed`.
    private var parsedBeforeFallback = 0
    /// The search index's entries and files as last made, updated for what each rebuild changed.
    private let search = SearchEntryCache()

    /// The inputs every output depends on.
    private struct World {
        var documents: [String: Document]
        var pages: Set<String>
        var statics: Set<String>
        var settings: String?
        var templates: [String: [UInt8]]?
        var assets: Set<String>

        /// The same files, settings and templates: only documents' texts may differ.
        func sameFiles(as other: World) -> Bool {
            pages == other.pages && documents.count == other.documents.count && sameSettingsAndFiles(as: other)
        }

        /// The same settings, templates, static files and assets: Markdown pages may differ, come or go.
        func sameSettingsAndFiles(as other: World) -> Bool {
            statics == other.statics && settings == other.settings && templates == other.templates && assets == other.assets
        }
    }

    public init(options: BuildOptions) {
        self.options = options
        let base = URL(fileURLWithPath: options.workingDirectory, isDirectory: true)
        contentURL = URL(fileURLWithPath: options.contentDirectory, relativeTo: base).standardizedFileURL
        templatesURL = URL(fileURLWithPath: options.templatesDirectory, relativeTo: base).standardizedFileURL
    }

    /// Where an edit happened, as the watcher saw it.
    public enum Changes: Sendable {
        /// Nothing is known: every file is read again and compared (the first build, a watcher that overflowed).
        case unknown
        /// These files (absolute paths) were written, made, removed or renamed; files not named are as before.
        case files(Set<String>)
    }

    /// Rebuilds after `changes`; `files` is the new site when the rebuild succeeded.
    public func rebuild(after changes: Changes = .unknown) -> LiveUpdate {
        if case .files(let paths) = changes, let update = rebuildAfterEdit(paths) { return update }
        reusable = nil  // set again only if this rebuild succeeds
        var diagnostics = DiagnosticList()
        var clock = PhaseClock()
        var update = LiveUpdate(diagnostics: [])
        update.parsed = parsedBeforeFallback
        parsedBeforeFallback = 0
        let named: Set<String>?
        switch changes {
        case .unknown: named = nil
        case .files(let paths): named = paths
        }

        // load: the list of files, the settings, the templates and assets
        let loader = ContentLoader(contentDirectory: contentURL, displayRoot: options.contentDirectory)
        let loaded = loader.load(into: &diagnostics)
        let pagePaths = Set(loaded.pages), staticPaths = Set(loaded.staticFiles.map(\.path))
        let contentPrefix = contentURL.path + "/"
        let contentNamed = named.map { Set($0.compactMap { $0.hasPrefix(contentPrefix) ? String($0.dropFirst(contentPrefix.count)) : nil }) }
        namedSinceParse = contentNamed.flatMap { named in namedSinceParse.map { $0.union(named) } }
        let templatesTouched = named.map { $0.contains { $0 == templatesURL.path || $0.hasPrefix(templatesURL.path + "/") } } ?? true
        if templatesTouched || templateSources == nil { loadTemplates() }
        diagnostics.append(contentsOf: templateDiagnostics)
        let settingsText = loaded.settings?.text
        let settings = SiteConfig.read(loaded, loader: loader, baseURL: options.baseURL, diagnostics: &diagnostics)
        for (path, url) in loaded.staticFiles where staticBytes[path] == nil || contentNamed?.contains(path) ?? true {
            if let bytes = ContentLoader.readBytes(url.path, followingLink: false) {
                staticBytes[path] = bytes
                unreadableStatic[path] = nil
            } else {
                staticBytes[path] = nil
                unreadableStatic[path] = .error(loader.displayPath(path), "file cannot be read; check its permissions")
            }
        }
        staticBytes = staticBytes.filter { staticPaths.contains($0.key) }
        unreadableStatic = unreadableStatic.filter { staticPaths.contains($0.key) }
        diagnostics.append(contentsOf: unreadableStatic.values)
        clock.end("load")

        // The rebuild's diagnostics once it stops, at any phase: those of every file read so far included.
        func ended(readingFiles pages: [String] = []) -> LiveUpdate {
            update.diagnostics = assembled(diagnostics, pages: pages)
            update.phaseTimes = clock.times
            return update
        }

        // parse: only what changed, or depends on a file that came or went
        guard let (config, configSource) = settings else { return ended() }
        let markdown = MarkdownOptions(smartPunctuation: config.smartPunctuation, unsafeHTML: config.unsafeHTML)
        if markdown != markdownOptions || settingsText != parsedSettings {
            parsed.removeAll()
            markdownOptions = markdown
            parsedSettings = settingsText
        }
        let links = LinkResolver(markdownPaths: loaded.pages, staticFiles: loaded.staticFiles.map(\.path), collections: config.collections)
        let parser = DocumentParser(renderer: MarkdownRenderer(options: markdown), links: links, collections: config.collections)
        // The same parse phase as `sitegen build`'s, with the parses kept in memory: a file the watcher did not
        // name is untouched.
        let earlier = listed.map { KeptParses(pages: parsed, files: $0.pages.union($0.statics), named: namedSinceParse) }
        let phase = ParsePhase(loader: loader, collections: config.collections, parser: parser, jobs: options.jobs)
        let result = phase.run(pages: loaded.pages, files: pagePaths.union(staticPaths), earlier: earlier)
        parsed = Dictionary(uniqueKeysWithValues: result.pages.map { ($0.path, $0) })
        listed = (pagePaths, staticPaths)
        namedSinceParse = []
        update.parsed += result.parsed
        let registry = result.registry
        sourceRegistry = registry
        clock.end("parse")

        // resolve
        var documents: [Document] = []
        documents.reserveCapacity(pagePaths.count)
        for path in loaded.pages {
            if let document = parsed[path]?.document { documents.append(document) }
        }
        let world = World(documents: Dictionary(uniqueKeysWithValues: documents.map { ($0.path, $0) }),
                          pages: pagePaths, statics: staticPaths, settings: settingsText, templates: templateSources,
                          assets: Set(assetBytes.keys))
        if let earlier = linkCheckWorld, Self.sameLinks(earlier, world) {} else { linkChecks.removeAll() }
        templates?.checkNames(collections: config.collections, into: &diagnostics)
        let resolver = SiteResolver(config: config, configSource: configSource, links: links, templates: templates)
        let (site, linkContext) = resolver.resolve(documents, staticFiles: loaded.staticFiles.map { ($0.path, $0.url.path) }, jobs: options.jobs,
                                                   linkChecks: &linkChecks, diagnostics: &diagnostics)
        linkCheckWorld = world
        let linksBroken = linkChecks.values.contains { $0.diagnostics.contains { $0.severity == .error } }
        guard let templates, !diagnostics.hasErrors, !linksBroken, !hasErrors(pages: loaded.pages) else {
            return ended(readingFiles: loaded.pages)
        }
        let renderer = SiteRenderer(site: site, templates: templates, baseURL: config.baseURL)
        renderer.checkLayouts(into: &diagnostics)
        clock.end("resolve")
        if diagnostics.hasErrors { return ended(readingFiles: loaded.pages) }

        // render: every file, or the pages that read what changed
        let siteWide = search.keeping { renderer.siteWideFiles() }
        let outputs = site.pages.map(renderer.outputFile(for:)) + siteWide
        let staticOutputs = site.staticFiles.map { OutputFile(path: $0.path, contents: .bytes(staticBytes[$0.path] ?? [])) }
        let assetOutputs = assetBytes.keys.sorted().map { OutputFile(path: $0, contents: .bytes(assetBytes[$0]!)) }
        let allPaths = outputs.map(\.path) + staticOutputs.map(\.path) + assetOutputs.map(\.path)
        let linkable = RenderPhase.linkTargets(allPaths)
        let toRender: [OutputFile]
        let pagesRendered: Int
        let digests = ReadDigests(site: site, jobs: options.jobs, parses: parsed.compactMapValues(\.digests))
        if let published, published.sameSettingsAndFiles(as: world) {
            let pages = RenderPlan.pagesToRender(site.pages, reads: reads, before: publishedDigests, now: digests)
            // The files that are not a page's (the not-found page, the feeds, the search index…) show the site as
            // a whole: made again at each rebuild, each kept if unchanged.
            toRender = site.pages.filter { pages.contains($0.path) }.map(renderer.outputFile(for:)) + siteWide
            pagesRendered = pages.count
        } else {
            toRender = outputs
            pagesRendered = site.pages.count
            update.renderedAll = true
        }
        let sink = CollectingSink()
        let (rendered, _) = RenderPhase.render(toRender, linkable: linkable, into: sink, jobs: options.jobs, diagnostics: &diagnostics)
        update.rendered = pagesRendered
        clock.end("render")
        if diagnostics.hasErrors { return ended(readingFiles: loaded.pages) }

        // publish: the new bytes in place, and what changed
        var next = update.renderedAll ? [String: [UInt8]](minimumCapacity: allPaths.count) : files
        var changed: [String] = []
        for (path, bytes) in rendered.map({ ($0.path, $0.bytes) }) + (staticOutputs + assetOutputs).map({ ($0.path, (try? $0.bytes()) ?? []) }) {
            // An unchanged file keeps its old array: the server shares it, and the new one is freed now.
            if let old = files[path], old == bytes {
                next[path] = old
            } else {
                changed.append(path)
                next[path] = bytes
            }
        }
        // The files of pages that went (or were made drafts), and of the site's files that went.
        let kept = Set(allPaths)
        for path in next.keys where !kept.contains(path) {
            next[path] = nil
            changed.append(path)
        }
        files = next
        reads = update.renderedAll ? renderer.reads.all : reads.merging(renderer.reads.all) { $1 }.filter { site.pagesByPath[$0.key] != nil }
        publishedDigests = digests
        published = world
        update.changed = changed.sorted()
        update.diagnostics = assembled(diagnostics, pages: loaded.pages)
        reusable = Reusable(site: site, config: config, links: links, resolver: resolver, linkContext: linkContext, linkable: linkable,
                            diagnostics: update.diagnostics)
        clock.end("publish")
        update.phaseTimes = clock.times
        return update
    }

    /// Whether reading or parsing a Markdown file found an error.
    private func hasErrors(pages: [String]) -> Bool {
        pages.contains { parsed[$0]?.diagnostics.contains { $0.severity == .error } ?? false }
    }

    /// Every diagnostic of the site: `others`, and those of each Markdown file's reading, parsing and links.
    private func assembled(_ others: DiagnosticList, pages: [String]) -> [Diagnostic] {
        var all = others
        for path in pages {
            if let found = parsed[path]?.diagnostics { all.append(contentsOf: found) }
            if let found = linkChecks[path]?.diagnostics { all.append(contentsOf: found) }
        }
        return all.sorted
    }

    /// The rebuild after an editor saved files that already existed, when each changed only in its text
    /// (`Document.sameButText`), the last rebuild succeeded and this one does too: the edited files
    /// are read and parsed, their links checked, and their pages rendered; the site model, the published
    /// world and the diagnostics are updated in place for those files only, so that the work does not grow
    /// with the size of the site. nil when that does not hold: `rebuild` then does it all.
    private func rebuildAfterEdit(_ named: Set<String>) -> LiveUpdate? {
        guard reusable != nil, published != nil, let templates, let markdownOptions else { return nil }
        var clock = PhaseClock()
        let contentPrefix = contentURL.path + "/"
        var edited: [String] = [], editedStatic: [String] = []
        for path in named {
            guard path.hasPrefix(contentPrefix) else { return nil }  // a template, or the content folder itself
            let relative = String(path.dropFirst(contentPrefix.count))
            // Hidden files are not part of the site (the loader skips them): editors' swap and backup files.
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if relative == SiteConfig.fileName { return nil }
            // A source: the pages citing it are parsed again, which the full rebuild sees to.
            if case .item(let collection) = reusable!.config.collections.place(of: relative), collection.citable { return nil }
            let isPage = published!.pages.contains(relative), known = isPage || published!.statics.contains(relative)
            var status = stat()
            guard lstat(path, &status) == 0 else {
                if known { return nil }  // removed
                continue  // came and went: a temporary file of a save
            }
            guard known, status.st_mode & S_IFMT == S_IFREG else { return nil }  // a new file, or a folder
            if isPage { edited.append(relative) } else { editedStatic.append(relative) }
        }
        clock.end("load")

        // parse: the edited files, with the links of the last rebuild (no file came or went)
        let loader = ContentLoader(contentDirectory: contentURL, displayRoot: options.contentDirectory)
        let parser = DocumentParser(renderer: MarkdownRenderer(options: markdownOptions), links: reusable!.links,
                                    collections: reusable!.config.collections, sources: sourceRegistry)
        var replaced: [String: Document] = [:]
        var before: [String: ParsedPage] = [:]
        var parsedCount = 0
        for path in edited.sorted() {
            let (source, problems) = loader.read(path)
            guard let source else { return nil }
            let digest = ContentDigest(source.text)
            guard let earlier = parsed[path], earlier.digest != digest || !earlier.readCleanly || !problems.isEmpty else { continue }
            let (document, found) = parser.parse(source)
            parsed[path] = ParsedPage(path: path, identity: "", digest: digest, document: document, diagnostics: problems + found,
                                      digests: document.map(DocumentDigests.init), readCleanly: problems.isEmpty)
            before[path] = earlier
            parsedCount += 1
            parsedBeforeFallback += 1
            guard let document, let old = published!.documents[path], !found.contains(where: { $0.severity == .error }),
                  old.sameButText(document) else { return nil }
            if document.layout != old.layout, !document.draft, document.hasOwnPage,
               !templates.names.contains(document.layoutName(in: reusable!.config.collections)) { return nil }
            replaced[path] = document
        }
        var staticChanged: [String: [UInt8]] = [:]
        for path in editedStatic {
            guard let bytes = ContentLoader.readBytes(contentURL.path + "/" + path) else { return nil }
            if staticBytes[path] != bytes { staticChanged[path] = bytes }
        }
        clock.end("parse")

        // resolve: the new documents' links checked against the site as it was (nothing but text changed)
        var checked: [String: SiteResolver.CheckedLinks] = [:]
        for (path, document) in replaced where !document.draft {
            let found = reusable!.resolver.checkLinks(of: document, in: reusable!.linkContext)
            if found.contains(where: { $0.severity == .error }) { return nil }
            checked[path] = SiteResolver.CheckedLinks(document: document, diagnostics: found)
        }
        // From here on the model changes: the new documents in place (one reference to each store, so
        // nothing of the whole site is copied).
        let changedDocuments = replaced.values.sorted { $0.path < $1.path }
        linkCheckWorld = nil
        for (path, document) in replaced { published!.documents[path] = document }
        linkCheckWorld = published
        reusable!.site.replace(replaced)
        var diagnostics = reusable!.diagnostics
        for (path, earlier) in before {
            diagnostics.removeOnce(earlier.diagnostics)
            diagnostics.removeOnce(linkChecks[path]?.diagnostics ?? [])
            diagnostics += parsed[path]?.diagnostics ?? []
            diagnostics += checked[path]?.diagnostics ?? []
            linkChecks[path] = checked[path]
        }
        diagnostics = DiagnosticList(diagnostics).sorted
        reusable!.diagnostics = diagnostics
        clock.end("resolve")

        // render: the pages that read the edited documents. Only their HTML changed, so only their digests did:
        // what the resolve phase worked out of them, and every collection's list, are as they were.
        let site = reusable!.site
        let renderer = SiteRenderer(site: site, templates: templates, baseURL: reusable!.config.baseURL)
        // Every published page has its reads recorded (each was rendered by a rebuild that recorded them).
        let toRender = pagesReadingText(of: changedDocuments.map(\.path)).sorted().compactMap(site.page(at:))
        // A feed shows its items' text; the search index, every page's words.
        let outputs = toRender.map(renderer.outputFile(for:)) + (changedDocuments.contains { $0.isItem } ? renderer.renderFeeds() : [])
            + search.keeping { renderer.searchIndexFiles(jobs: options.jobs) }
        var problems = DiagnosticList()
        let (rendered, _) = RenderPhase.render(outputs, linkable: reusable!.linkable, into: CollectingSink(), jobs: options.jobs, diagnostics: &problems)
        if problems.hasErrors {
            // The model is new, the pages are not: only a full rebuild sets both right (rare: a template's
            // link that only this page's values break).
            reusable = nil
            published = nil
            return nil
        }
        clock.end("render")

        // publish
        // The readers of each text as the pages now read: the quick path's index, patched rather than made again.
        for (page, read) in renderer.reads.all {
            let before = reads[page]?.texts ?? []
            for document in before.subtracting(read.texts) { textReaders?[document]?.remove(page) }
            for document in read.texts.subtracting(before) { textReaders?[document, default: []].insert(page) }
        }
        let readers = textReaders
        reads.merge(renderer.reads.all) { $1 }
        textReaders = readers
        for document in changedDocuments where site.document(at: document.path) != nil {
            publishedDigests.texts[document.path] = parsed[document.path]?.digests?.text ?? ContentDigest(document.html)
        }
        var changed: [String] = []
        for file in rendered where files[file.path] != file.bytes {
            files[file.path] = file.bytes
            changed.append(file.path)
        }
        for (path, bytes) in staticChanged {
            staticBytes[path] = bytes
            files[path] = bytes
            changed.append(path)
        }
        var update = LiveUpdate(diagnostics: diagnostics)
        update.changed = changed.sorted()
        update.parsed = parsedCount
        update.rendered = outputs.count { $0.path.hasSuffix(".html") }
        update.quick = true
        parsedBeforeFallback = 0
        clock.end("publish")
        update.phaseTimes = clock.times
        return update
    }

    /// Reads the templates and assets again; the template set is parsed again only when a template's bytes changed.
    private func loadTemplates() {
        var sources: [String: [UInt8]] = [:]
        if let names = try? FileManager.default.contentsOfDirectory(atPath: templatesURL.path) {
            for name in names where name.hasSuffix("." + TemplateSet.fileExtension) {
                sources[name] = ContentLoader.readBytes(templatesURL.path + "/" + name) ?? []
            }
        }
        if sources != templateSources || templates == nil {
            var found = DiagnosticList()
            templates = TemplateSet.load(directory: templatesURL, displayRoot: options.templatesDirectory, diagnostics: &found)
            templateDiagnostics = found.items
            templateSources = sources
        }
        var found = DiagnosticList()
        var assets: [String: [UInt8]] = [:]
        for (path, file) in SiteBuilder.assets(in: templatesURL, displayRoot: options.templatesDirectory, diagnostics: &found) {
            if let bytes = ContentLoader.readBytes(file, followingLink: false) {
                assets[path] = bytes
            } else {
                found.append(.error(options.templatesDirectory + "/" + path, "file cannot be read; check its permissions"))
            }
        }
        assetBytes = assets
        templateDiagnostics = templateDiagnostics.filter { !$0.path.hasPrefix(options.templatesDirectory + "/assets/") } + found.items
    }

    /// Whether the link checks of `a` hold in `b`: the same files, and each changed document the same but in
    /// its HTML (its links, anchors and fields as they were).
    private static func sameLinks(_ a: World, _ b: World) -> Bool {
        guard a.sameFiles(as: b) else { return false }
        for (path, document) in b.documents {
            guard let before = a.documents[path] else { return false }
            if before !== document, !before.sameButText(document) { return false }
        }
        return true
    }
}

/// A sink that keeps the rendered files as they are: the preview server's memory.
struct CollectingSink: SiteSink {
    func stage(_ file: RenderedFile) throws -> RenderedFile { file }
    func commit(_ staged: [RenderedFile]) throws -> WriteSummary { WriteSummary(written: staged.count) }
    func discard(_ staged: [RenderedFile]) {}
}
