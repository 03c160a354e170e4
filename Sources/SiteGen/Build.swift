import Foundation

/// What a build reads and writes.
public struct BuildOptions: Sendable {
    public var contentDirectory: String
    public var templatesDirectory: String
    public var outputDirectory: String
    /// Overrides `base_url` of the site settings (for the sitemap).
    public var baseURL: String?
    /// Threads for parsing, rendering and writing.
    public var jobs: Int
    /// Run every check but write nothing.
    public var checkOnly: Bool
    /// The folder the other paths are relative to, and diagnostics' paths too (default: the current folder).
    public var workingDirectory: String
    /// Whether the build hands the site's memory back before it returns. A command that exits right
    /// after leaves that to the operating system, which takes it back at once, instead of freeing every
    /// page object by object on one thread (compilers skip it the same way; BENCHMARKS.md has the cost).
    /// Anything that builds more than once in a process (the tests, a preview server) keeps it true.
    public var releasesMemory = true

    public init(contentDirectory: String = "content", templatesDirectory: String = "templates",
                outputDirectory: String = "public", baseURL: String? = nil,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, checkOnly: Bool = false,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = workingDirectory
        self.contentDirectory = contentDirectory
        self.templatesDirectory = templatesDirectory
        self.outputDirectory = outputDirectory
        self.baseURL = baseURL
        self.jobs = max(1, jobs)
        self.checkOnly = checkOnly
    }
}

/// The result of a build: every diagnostic, and what was written when it succeeded.
public struct BuildReport: Sendable {
    public var diagnostics: [Diagnostic]
    /// HTML pages and files of the site, once rendered.
    public var pages = 0
    public var files = 0
    /// What the sink changed, when the build succeeded.
    public var written = WriteSummary()
    /// Nothing was built: the inputs and the published site were as the last build left them.
    public var upToDate = false
    /// Files rendered (the others were kept as published: `PublishedPages`).
    public var rendered = 0
    /// Markdown files whose parse was taken from the parse store (`ParseStore`) instead of made again.
    public var parsesTaken = 0
    /// What a page can read of each document and collection now (`ReadDigests`).
    var digests = ReadDigests()
    /// What each page's templates read, by page path: the pages rendered now, and those kept as recorded.
    var reads: [String: PageReads] = [:]
    var keptReads: [String: RecordedReads] = [:]
    /// The parse phase's results for the parse store, when the build had one to write.
    var parsedContent: ParsedContent?
    /// Search entries made by reading their document, the others taken from the last build's (`SearchEntryStore`).
    var searchEntriesTokenized: Int?
    /// Wall time of each phase that ran, in order, for `--timings`.
    public var phaseTimes: [(phase: String, seconds: Double)] = []
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }

    public init(diagnostics: [Diagnostic] = []) { self.diagnostics = diagnostics }
}

/// The pipeline: load, parse, resolve, render, write. Each phase collects every problem it finds;
/// nothing is written unless every phase, the audit of the rendered pages' links included, found none.
public struct SiteBuilder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) { self.options = options }

    private func url(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: options.workingDirectory, isDirectory: true)).standardizedFileURL
    }

    /// Builds into the output folder (or, with `checkOnly`, renders and checks without writing).
    public func build() -> BuildReport {
        if options.checkOnly { return build(into: DiscardingSink()) }
        let writer = OutputWriter(output: url(options.outputDirectory), displayPath: options.outputDirectory, jobs: options.jobs)
        if let refusal = writer.refusal(protecting: [url(options.contentDirectory), url(options.templatesDirectory)]) {
            return BuildReport(diagnostics: [.error(options.outputDirectory, refusal)])
        }
        do {
            return try writer.withLock { try buildUnlessUpToDate(writer) }
        } catch let problems as OutputProblems {
            return BuildReport(diagnostics: problems.diagnostics)
        } catch {
            return BuildReport(diagnostics: [.error(options.outputDirectory, "could not write the site: \(error)")])
        }
    }

    /// A full build, unless the inputs and the published files are exactly as the last successful build left
    /// them (`InputRecord`): then nothing is read or written, and that build's warnings are given again. When
    /// only Markdown pages changed, the pages that do not show them are kept as published (`PublishedPages`).
    private func buildUnlessUpToDate(_ writer: OutputWriter) throws -> BuildReport {
        var clock = PhaseClock()
        let now = { var now = timespec(); clock_gettime(CLOCK_REALTIME, &now); return now }()
        let content = url(options.contentDirectory), templates = url(options.templatesDirectory)
        let shaping = "options content=\(content.path) templates=\(templates.path) base-url=\(options.baseURL ?? "-")"
        // The inputs' identities (a walk of as many files as the site has), and the record with the output
        // folder's marker, independent of each other.
        let jobs = options.jobs
        let (inputs, (record, publishedPaths)) = Parallel.both({
            InputRecord.inputs(content: content, templates: templates, options: shaping, now: now)
        }, {
            let record = InputRecord.read(from: writer.recordPath)
            // A marker that cannot be trusted counts as none here; `prepared()` below reports it.
            return (record, record == nil ? nil : (try? writer.publishedPaths()) ?? nil)
        })
        // The published files' identities: after the marker is read, on every thread.
        let published = publishedPaths.flatMap { InputRecord.outputs($0, in: writer.output, jobs: jobs) }
        if let record, inputs.isExactly(record.inputs), published == record.outputs {
            clock.end("inputs")
            var report = BuildReport(diagnostics: record.warnings)
            report.pages = record.pages
            report.files = record.files
            report.written = WriteSummary(unchanged: record.files)
            report.upToDate = true
            report.phaseTimes = clock.times
            return report
        }
        let publishedPages = record.flatMap { PublishedPages(record: $0, inputs: inputs, publishedOutputs: published, jobs: jobs) }
        clock.end("inputs")
        // The search entries of the last build, read before they are removed with the record.
        let searchStore = SearchEntryStore(reading: writer.searchStorePath, executable: inputs.executable)
        // Gone before anything is written: a build that fails or is stopped leaves no record to trust.
        unlink(writer.recordPath)
        unlink(writer.searchStorePath)
        // The parse store is its own judge of what it may give (`ParseStore`): it needs no record to be trusted.
        // Its bytes are read on a thread of their own while this one loads the site: the store is most of what a
        // rebuild reads.
        let storePath = writer.parseStorePath
        let store = inputs.executable.map {
            ParseStoreUse(path: storePath, executable: $0, options: shaping, identities: inputs.content, stored: Pending { ParseStore.load(from: storePath) })
        }
        var report = try searchStore.using { build(into: try writer.prepared(), keeping: publishedPages, storing: store) }
        report.searchEntriesTokenized = searchStore.tokenized
        report.phaseTimes.insert(contentsOf: clock.times, at: 0)
        guard report.succeeded else { return report }
        clock = PhaseClock()
        // What the next build reads, each file independent of the others: the parse store and the search store
        // on a thread of their own, the record (with the published files' identities) on this one, its lines
        // made on every thread.
        let finished = report
        let storesWritten = Pending {
            if let store, let parsed = finished.parsedContent, let key = parsed.storeKey {
                // Kept for the next build, or none left: a store that could not be written whole is not there.
                do {
                    try ParseStore.write(key: key, files: parsed.files, pages: parsed.pages, jobs: max(1, jobs - 1), to: store.path,
                                         over: parsed.earlierStore)
                } catch {
                    unlink(store.path)
                }
            }
            _ = try? searchStore.write(to: writer.searchStorePath)
        }
        if let paths = (try? writer.publishedPaths()) ?? nil,
           let outputs = InputRecord.outputs(paths, in: writer.output, jobs: jobs, known: published, rewritten: finished.written.writtenPaths) {
            let record = InputRecord(inputs: inputs, outputs: outputs, digests: finished.digests, reads: finished.reads,
                                     recordedReads: finished.keptReads, warnings: finished.diagnostics.filter { $0.severity == .warning },
                                     pages: finished.pages, files: finished.files)
            try? record.write(to: writer.recordPath, jobs: jobs)
        }
        _ = storesWritten.value
        clock.end("stores")
        report.phaseTimes += clock.times
        report.parsedContent = nil
        return report
    }

    /// Every phase, the sink taking the rendered files: it commits them only when no phase found an error.
    public func build<Sink: SiteSink>(into sink: Sink) -> BuildReport { build(into: sink, keeping: nil) }

    /// - Parameter publishedPages: what the sink published last that this build need not render again; a
    ///   sink that does not keep what it published (`SiteSink.keep`) gets every file rendered all the same.
    /// - Parameter store: the parse store to take unchanged files' parses from, and to write after a build
    ///   that succeeded.
    func build<Sink: SiteSink>(into sink: Sink, keeping publishedPages: PublishedPages?, storing store: ParseStoreUse? = nil) -> BuildReport {
        var diagnostics = DiagnosticList()
        var report = BuildReport()
        var clock = PhaseClock()
        var parsed = ParsedContent()
        guard let (renderer, _) = makeRenderer(&diagnostics, clock: &clock, store: store, parsed: &parsed), !diagnostics.hasErrors else {
            sink.discard([])
            report.parsesTaken = parsed.reused
            report.diagnostics = diagnostics.sorted
            report.phaseTimes = clock.times
            return report
        }
        report.parsesTaken = parsed.reused
        // The search index's keys digest each page's HTML: as its parse already did.
        SearchEntryStore.current?.know(textDigests: parsed.digests.mapValues(\.text))
        var files = makeFiles(renderer, &diagnostics)
        clock.end("index")
        // What pages can read now: the pages that read what changed are rendered again (`RenderPlan`).
        report.digests = ReadDigests(site: renderer.site, jobs: options.jobs, parses: parsed.digests)
        if let unchanged = publishedPages?.unchangedOutputs(of: renderer.site, digests: report.digests) {
            for index in files.indices where unchanged.contains(files[index].path) { files[index].asPublished = true }
        }
        // The pages' renders, each holding its page, and what the sink keeps would be released one by one
        // on this thread at the end; a process about to end leaves that to the operating system.
        if !options.releasesMemory { KeptUntilExit.keep(files) }
        // render: every file, each handed to the sink as it is finished
        let (rendered, kept) = RenderPhase.render(files, into: sink, jobs: options.jobs, diagnostics: &diagnostics)
        if !options.releasesMemory { KeptUntilExit.keep(rendered) }
        clock.end("render")
        // The pages kept as published read what they read at the last build; the rendered ones, what they read now.
        report.reads = renderer.reads.all
        report.keptReads = publishedPages?.recordedReads.filter { renderer.site.pagesByPath[$0.key] != nil && report.reads[$0.key] == nil } ?? [:]
        report.pages = files.count { $0.path.hasSuffix(".html") }
        report.files = files.count
        report.rendered = files.count - kept
        // write: only when every check passed, the link audit of the rendered pages included
        if diagnostics.hasErrors {
            sink.discard(rendered)
        } else {
            do {
                report.written = try sink.commit(rendered)
            } catch let problems as OutputProblems {
                sink.discard(rendered)
                for diagnostic in problems.diagnostics { diagnostics.append(diagnostic) }
            } catch {
                sink.discard(rendered)
                diagnostics.append(.error(options.outputDirectory, "could not write the site: \(error)"))
            }
            clock.end("write")
        }
        // For the parse store, written with the record once the build succeeded.
        if store != nil, !diagnostics.hasErrors { report.parsedContent = parsed }
        report.diagnostics = diagnostics.sorted
        report.phaseTimes = clock.times
        return report
    }

    /// Every phase but rendering and writing: the resolved site with its templates, and every document
    /// (drafts and events too); nil when it cannot be made.
    func makeRenderer(_ diagnostics: inout DiagnosticList, clock: inout PhaseClock) -> (SiteRenderer, [Document])? {
        var parsed = ParsedContent()
        return makeRenderer(&diagnostics, clock: &clock, store: nil, parsed: &parsed)
    }

    private func makeRenderer(_ diagnostics: inout DiagnosticList, clock: inout PhaseClock, store: ParseStoreUse?,
                              parsed: inout ParsedContent) -> (SiteRenderer, [Document])? {
        // load and parse, in a scope of their own so the sources' text is freed before rendering
        guard let (config, configSource, links, documents, staticFiles, templates) = loadAndParse(&diagnostics, clock: &clock, store: store, parsed: &parsed)
        else { return nil }

        // resolve
        let resolver = SiteResolver(config: config, configSource: configSource, links: links, templates: templates)
        let site = resolver.resolve(documents, staticFiles: staticFiles, jobs: options.jobs, diagnostics: &diagnostics)
        if !options.releasesMemory { KeptUntilExit.keep(site) }
        guard let templates else { return nil }
        let renderer = SiteRenderer(site: site, templates: templates, baseURL: config.baseURL)
        renderer.checkLayouts(into: &diagnostics)
        clock.end("resolve")
        return diagnostics.hasErrors ? nil : (renderer, documents)
    }

    /// The files of the site, each made in the render phase.
    private func makeFiles(_ renderer: SiteRenderer, _ diagnostics: inout DiagnosticList) -> [OutputFile] {
        let site = renderer.site
        // What the render phase makes: each page is rendered there, on its threads.
        var files = site.pages.map(renderer.outputFile(for:))
        // The search index among them, made here from every document: its shards depend on all pages.
        files += renderer.siteWideFiles(jobs: options.jobs)
        files += site.staticFiles.map { OutputFile(path: $0.path, contents: .copy(from: $0.sourceFile)) }
        files += assetFiles(&diagnostics)
        return files
    }

    private func loadAndParse(_ diagnostics: inout DiagnosticList, clock: inout PhaseClock, store use: ParseStoreUse?, parsed content: inout ParsedContent) -> (
        SiteConfig, SourceFile, LinkResolver, [Document], [(path: String, sourceFile: String)], TemplateSet?
    )? {
        let loader = ContentLoader(contentDirectory: url(options.contentDirectory), displayRoot: options.contentDirectory)
        let loaded = loader.load(into: &diagnostics)
        let templates = TemplateSet.load(directory: url(options.templatesDirectory), displayRoot: options.templatesDirectory,
                                         diagnostics: &diagnostics)
        guard let (config, configSource) = SiteConfig.read(loaded, loader: loader, baseURL: options.baseURL, diagnostics: &diagnostics)
        else { return nil }

        clock.end("load")

        // parse
        templates?.checkNames(collections: config.collections, into: &diagnostics)
        let links = LinkResolver(markdownPaths: loaded.pages, staticFiles: loaded.staticFiles.map(\.path), collections: config.collections)
        let parser = DocumentParser(renderer: MarkdownRenderer(options: MarkdownOptions(smartPunctuation: config.smartPunctuation, unsafeHTML: config.unsafeHTML)),
                                    links: links, collections: config.collections)
        // The last build's parses, when they were made in the same world (`ParseStore`).
        let key = use.flatMap { ParseStore.key(executable: $0.executable, options: $0.options, displayRoot: options.contentDirectory,
                                               settings: loaded.settings?.text) }
        let earlier = use.flatMap { use in
            key.flatMap { key in use.stored.value.flatMap { ParseStore.read($0, key: key) } }.map {
                StoredParses(store: $0, identities: use.identities, loader: loader, collections: config.collections)
            }
        }
        let files = loaded.pages + loaded.staticFiles.map(\.path)
        let identities = use?.identities
        let phase = ParsePhase(loader: loader, collections: config.collections, parser: parser, jobs: options.jobs)
        let result = phase.run(pages: loaded.pages, files: Set(files), identity: { identities?.settled[$0] ?? "" }, earlier: earlier)
        for page in result.pages { diagnostics.append(contentsOf: page.diagnostics) }
        content.digests = Dictionary(uniqueKeysWithValues: result.pages.compactMap { page in page.digests.map { (page.path, $0) } })
        let documents = result.documents
        if use != nil {
            content.storeKey = key
            content.files = files.sorted()
            content.pages = result.pages
            content.reused = result.taken
            content.earlierStore = earlier?.store
        }

        clock.end("parse")
        return (config, configSource, links, documents, loaded.staticFiles.map { ($0.path, $0.url.path) }, templates)
    }

    /// `templates/assets/` is copied to `assets/` in the output.
    private func assetFiles(_ diagnostics: inout DiagnosticList) -> [OutputFile] {
        Self.assets(in: url(options.templatesDirectory), displayRoot: options.templatesDirectory, diagnostics: &diagnostics)
            .map { OutputFile(path: $0.path, contents: .copy(from: $0.sourceFile)) }
    }

    /// The files of `templates/assets/`: (output path, file on disk), sorted by output path. A symbolic link is
    /// taken only to a file inside the templates folder (and read by its real path); a link to anything else,
    /// a folder link among them, is an error naming the link and where it leads, never what is there.
    static func assets(in templates: URL, displayRoot: String, diagnostics: inout DiagnosticList) -> [(path: String, sourceFile: String)] {
        let assets = templates.appendingPathComponent("assets").path
        let templatesReal = templates.resolvingSymlinksInPath().path
        var status = stat()
        guard lstat(assets, &status) == 0 else { return [] }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            diagnostics.append(.error(displayRoot + "/assets", "\(displayRoot)/assets is " + (status.st_mode & S_IFMT == S_IFLNK
                ? "a symbolic link (to \(ContentLoader.linkTarget(assets) ?? "?")); sitegen does not follow it: make it a folder"
                : "not a folder")))
            return []
        }
        var files: [(path: String, sourceFile: String)] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let folderPath = folder.isEmpty ? assets : assets + "/" + folder
            for (name, _) in ContentLoader.entries(of: folderPath) ?? [] where !name.hasPrefix(".") {
                let relative = folder.isEmpty ? name : folder + "/" + name
                let full = folderPath + "/" + name
                let shown = displayRoot + "/assets/" + relative
                if let problem = PathSafety.problem(in: relative) {
                    diagnostics.append(.error(shown, problem))
                    continue
                }
                guard lstat(full, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: pending.append(relative)
                case S_IFREG: files.append(("assets/" + relative, full))
                case S_IFLNK:
                    if let problem = TemplateSet.linkProblem(full, folderReal: templatesReal) {
                        diagnostics.append(.error(shown, shown + " " + problem))
                    } else if stat(full, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
                        files.append(("assets/" + relative, URL(fileURLWithPath: full).resolvingSymlinksInPath().path))
                    } else {
                        diagnostics.append(.error(shown, "\(shown) is a symbolic link to a folder or to what is not a file; sitegen follows links only to files"))
                    }
                default:
                    diagnostics.append(.error(shown, "\(shown) is \(ContentLoader.kind(of: status.st_mode)), not a file; sitegen reads only files and folders"))
                }
            }
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// Where a build keeps its parse store, and what the store's world is made of besides the settings.
struct ParseStoreUse: Sendable {
    var path: String
    /// The executable and the cmark-gfm libraries loaded (`InputRecord.Inputs.executable`).
    var executable: String
    var options: String
    /// The content files' identities on disk as the build began.
    var identities: InputRecord.FileIdentities
    /// The store's bytes, read as the build began (`ParseStore.load`).
    var stored: Pending<ParseStore.Loaded?>
}

/// What the parse phase gives the parse store: every Markdown file's parse, and the world they were made in.
struct ParsedContent: Sendable {
    var storeKey: String?
    var files: [String] = []
    var pages: [ParsedPage] = []
    /// Files whose parse was taken from the store.
    var reused = 0
    /// The store the parses were taken from, which the next store is added to (`ParseStore.write`).
    var earlierStore: ParseStore?
    /// Each document's digests, by path (`DocumentDigests`).
    var digests: [String: DocumentDigests] = [:]
}

/// What builds that leave their memory to the operating system keep reachable until the process ends.
enum KeptUntilExit {
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    static func keep(_ value: Any) { lock.withLock { kept.append(value) } }
}

/// Wall time between phase ends.
struct PhaseClock {
    private var last = DispatchTime.now()
    private(set) var times: [(phase: String, seconds: Double)] = []

    mutating func end(_ phase: String) {
        let now = DispatchTime.now()
        times.append((phase, Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9))
        last = now
    }
}
