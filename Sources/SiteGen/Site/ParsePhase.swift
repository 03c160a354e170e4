import Foundation

/// One Markdown file as the parse phase left it: what the parse store keeps on disk between builds, and what
/// the preview server keeps in memory between rebuilds.
struct ParsedPage: Sendable {
    var path: String
    /// Its identity on disk when it was read (`InputRecord`); empty when unknown or changing.
    var identity: String
    /// The digest of the text it was made from.
    var digest: ContentDigest
    /// The bytes of its parse when it was taken from the parse store: written again as they are.
    var stored: StoreSlice?
    var document: Document?
    var diagnostics: [Diagnostic]
    /// What `ReadDigests` takes of the document, made with it once instead of at every build.
    var digests: DocumentDigests?
    /// Taken from the earlier parses rather than made now.
    var taken = false
    /// Taken without reading the file: it is known to be as when the earlier parse was made (its identity on
    /// disk is the stored one; in the preview server, the watcher did not name it).
    var untouched = false
    /// Reading the file found no problem. One that did is read again each time: the problem is of the file
    /// (its permissions, a link), not of its text.
    var readCleanly = true
}

/// The digests of a document that `ReadDigests` is made of, besides what the resolve phase works out: kept with
/// its parse (in the parse store too), so that a rebuild does not encode and hash every document of the site
/// again to learn that one changed.
struct DocumentDigests: Sendable, Equatable {
    /// Of the document as the parse gave it, but its HTML (`ParseStore.encode(forComparison:)`).
    var parse: ContentDigest
    /// Of its HTML.
    var text: ContentDigest

    init(parse: ContentDigest, text: ContentDigest) {
        self.parse = parse
        self.text = text
    }

    init(_ document: Document) {
        parse = ParseStore.encode(document, [], forComparison: true).withUnsafeBytes { ContentDigest(bytes: $0) }
        text = ContentDigest(document.html)
    }
}

/// What the parse phase made before, and how to tell which files are as they were then: the parse store beside
/// the output (`StoredParses`, for `sitegen build`) or the preview server's memory (`KeptParses`). The phase's
/// rules of what to parse again are written once, in `ParsePhase`; the two differ only in where the earlier
/// parses are and in how a file is known to be untouched (its identity on disk; the watcher did not name it).
protocol EarlierParses: Sendable {
    /// Every file of the content folder, Markdown or not, when these parses were made: a link's target depends
    /// on which exist.
    var files: Set<String> { get }
    /// The earlier parse of `path` when the file is known to be as it was then without reading it; nil when it
    /// must be read (or there is none).
    func untouched(_ path: String) -> ParsedPage?
    /// The earlier parse of `path`, whatever became of the file since: taken when its text is as it was.
    func earlier(_ path: String) -> ParsedPage?
}

/// The parse phase of `sitegen build` and `sitegen serve`: each Markdown file read and parsed into a
/// document, or its earlier parse taken when nothing that parse read has changed:
///
/// - its text: a file is read again unless the earlier parses know it untouched, and parsed again only when
///   its text's digest differs from the earlier parse's;
/// - which files exist: a document linking to a file that came or went, with a link found invalid (it may name
///   the file that came), or with a Markdown field (whose links are rewritten as it is parsed, and not kept)
///   is parsed again when the set of files changed (`dependsOnFiles`);
/// - the sources it cites (`SourceRegistry`): its notes are made of their fields. The sources are parsed
///   first; a page citing one that was parsed again, came or went is parsed again.
///
/// Everything else a parse depends on (the settings, the Markdown options, the executable) is the earlier
/// parses' world: when it changed the caller gives none.
struct ParsePhase {
    var loader: ContentLoader
    var collections: Collections
    var parser: DocumentParser
    var jobs: Int

    /// The parse phase's result: every Markdown file's parse, sorted by path, and the sources the others cite.
    struct Result: Sendable {
        var pages: [ParsedPage]
        var registry: SourceRegistry
        var documents: [Document] { pages.compactMap(\.document) }
        /// Files whose earlier parse was taken, and files parsed now.
        var taken: Int { pages.count { $0.taken } }
        var parsed: Int { pages.count { !$0.taken } }
    }

    /// Parses `pages` (the Markdown files of the content folder) among `files` (all its files).
    /// - Parameter identity: each file's identity on disk as the build began, kept with its parse.
    func run(pages: [String], files: Set<String>, identity: @escaping @Sendable (String) -> String = { _ in "" },
             earlier: (any EarlierParses)?) -> Result {
        // A link's target depends on which files exist: those that came or went since the earlier parses.
        let cameOrWent = earlier.map { $0.files.symmetricDifference(files) } ?? []
        let (sourcePaths, otherPaths) = SourceRegistry.partition(pages, collections: collections)
        let parsedSources = parse(sourcePaths, with: parser, identity: identity, earlier: earlier, anythingChanged: !cameOrWent.isEmpty) {
            Self.dependsOnFiles($0, cameOrWent)
        }
        let registry = SourceRegistry(collections: collections, documents: parsedSources.compactMap(\.document))
        // Sources parsed again, or that came or went, make the notes of the pages citing them anew.
        let changedSources = Set(parsedSources.filter { !$0.taken }.map { SitePath.fileStem($0.path) }
                                 + cameOrWent.filter { $0.hasSuffix(".md") }.map(SitePath.fileStem))
        let others = parse(otherPaths, with: parser.citing(registry), identity: identity, earlier: earlier,
                           anythingChanged: !cameOrWent.isEmpty || !changedSources.isEmpty) { document in
            Self.dependsOnFiles(document, cameOrWent) || document.citations.contains(where: changedSources.contains)
        }
        return Result(pages: (parsedSources + others).sorted { $0.path < $1.path }, registry: registry)
    }

    /// Each file read where it is parsed, on `jobs` threads, and its text dropped once parsed.
    /// - Parameter again: whether an earlier document must be parsed again though its text is the same.
    /// - Parameter anythingChanged: files came or went, or sources changed. An earlier parse that made no
    ///   document (it failed, perhaps citing a source that did not exist) is then made again.
    private func parse(_ paths: [String], with parser: DocumentParser, identity: @escaping @Sendable (String) -> String,
                       earlier: (any EarlierParses)?, anythingChanged: Bool, again: @escaping @Sendable (Document) -> Bool) -> [ParsedPage] {
        Parallel.map(paths, jobs: jobs) { path -> ParsedPage in
            func takable(_ page: ParsedPage?) -> ParsedPage? {
                guard var page, page.document.map({ !again($0) }) ?? !anythingChanged else { return nil }
                page.taken = true
                return page
            }
            let identityNow = identity(path)
            // Untouched since the earlier parse: taken without reading the file.
            let untouched = earlier?.untouched(path)
            if var page = takable(untouched) {
                page.identity = identityNow
                page.untouched = true
                return page
            }
            let (source, problems) = loader.read(path)
            guard let source else {
                return ParsedPage(path: path, identity: "", digest: ContentDigest(high: 0, low: 0), document: nil, diagnostics: problems,
                                  readCleanly: false)
            }
            let digest = ContentDigest(source.text)
            // Touched but the same text: taken all the same, unless reading it found a problem then (the problem
            // was of the file, and its diagnostics would stay). Not when it was untouched but had to be parsed
            // again: the same text would not do either, and its earlier parse is not decoded twice.
            if untouched == nil, problems.isEmpty, let known = earlier?.earlier(path), known.readCleanly, known.digest == digest,
               var page = takable(known) {
                page.identity = identityNow
                page.untouched = false
                return page
            }
            let (document, found) = parser.parse(source)
            return ParsedPage(path: path, identity: problems.isEmpty ? identityNow : "", digest: digest, document: document,
                              diagnostics: problems + found, digests: document.map(DocumentDigests.init), readCleanly: problems.isEmpty)
        }
    }

    /// Whether an earlier parse of `document` must be made again because files came or went: it links to one of
    /// them, or has a link found invalid (it may name a file that now exists), or has a Markdown field (whose
    /// links are rewritten as it is parsed, and not kept).
    static func dependsOnFiles(_ document: Document, _ cameOrWent: Set<String>) -> Bool {
        guard !cameOrWent.isEmpty else { return false }
        if document.fields.values.contains(where: \.hasMarkdown) { return true }
        return document.internalLinks.contains { link in
            switch link.target {
            case .content(let path, _): cameOrWent.contains(path)
            case .invalid: true
            case .external, .sameDocument: false
            }
        }
    }
}

/// The parse store read from disk, for the parse phase: a file is untouched when its identity on disk is the
/// stored one; a stored parse is decoded when taken.
struct StoredParses: EarlierParses {
    var store: ParseStore
    /// The content files' identities on disk as the build began.
    var identities: InputRecord.FileIdentities
    var loader: ContentLoader
    var collections: Collections

    var files: Set<String> { store.files }

    func untouched(_ path: String) -> ParsedPage? {
        guard let entry = store.entries[path], !entry.identity.isEmpty, entry.identity == identities.settled[path] else { return nil }
        return page(path, entry)
    }

    func earlier(_ path: String) -> ParsedPage? {
        store.entries[path].flatMap { page(path, $0) }
    }

    private func page(_ path: String, _ entry: ParseStore.Entry) -> ParsedPage? {
        guard let (document, found) = ParseStore.decode(entry.parse, path: path, displayPath: loader.displayPath(path), collections: collections)
        else { return nil }
        return ParsedPage(path: path, identity: entry.identity, digest: entry.digest, stored: entry.parse, document: document, diagnostics: found,
                          digests: document == nil ? nil : entry.digests, readCleanly: entry.readCleanly)
    }
}

/// The preview server's parses, kept in memory: a file is untouched when the watcher did not name it.
struct KeptParses: EarlierParses {
    var pages: [String: ParsedPage]
    var files: Set<String>
    /// The files the watcher named since these parses were made (paths inside the content folder); nil when
    /// it does not know (every file is read again).
    var named: Set<String>?

    func untouched(_ path: String) -> ParsedPage? {
        guard let named, !named.contains(path), let page = pages[path], page.readCleanly else { return nil }
        return page
    }

    func earlier(_ path: String) -> ParsedPage? { pages[path] }
}
