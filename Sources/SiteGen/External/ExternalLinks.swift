import Foundation

/// Every external (http and https) URL of a site and where each is used: the `url` fields of the items (the
/// sources' `url` and `archive_url` among them), and the links of the pages' Markdown, bodies and `markdown`
/// fields.
///
/// Made by a pass of its own over the content files, for `sitegen check --external` only: the parse phase of a
/// build keeps no external link (`Document.internalLinks`), so that an ordinary build is not slowed, nor each
/// page's document made bigger, for a check that runs now and then.
public struct ExternalLinks: Sendable {
    /// A place in a content file, as diagnostics show it.
    public struct Place: Sendable, Hashable, Comparable {
        public var path: String
        public var location: SourceLocation

        public static func < (a: Place, b: Place) -> Bool { (a.path, a.location) < (b.path, b.location) }
        public var description: String { "\(path):\(location.line):\(location.column)" }
    }

    /// One use of a URL.
    public struct Use: Sendable, Hashable, Comparable {
        public enum Kind: Sendable, Hashable {
            /// A link in a page's Markdown.
            case link
            /// The value of an item's `url` field, named; `source` is the key of an item of the citable collection.
            case field(String, source: String?)
        }
        public var place: Place
        public var kind: Kind

        public static func < (a: Use, b: Use) -> Bool { a.place < b.place }
    }

    /// Each URL as written, with its uses in file order.
    public var uses: [String: [Use]] = [:]
    /// Each source's `url` and the `archive_url` beside it, by the source's key.
    public var archives: [String: (url: String, archive: String)] = [:]
    /// Where each source is cited (`[^@KEY]`), by key, in file order.
    public var citations: [String: [Place]] = [:]

    public init() {}

    /// The URLs, sorted, each once.
    public var urls: [String] { uses.keys.sorted() }

    /// Whether `destination` is a URL this check follows: http or https, with a host.
    static func isChecked(_ destination: String) -> Bool {
        let lower = destination.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The external URLs of the site in `options`' content folder; nil, with the reason in `diagnostics`, when its
    /// settings cannot be read.
    public static func collect(options: BuildOptions, diagnostics: inout DiagnosticList) -> ExternalLinks? {
        let base = URL(fileURLWithPath: options.workingDirectory, isDirectory: true)
        let loader = ContentLoader(contentDirectory: URL(fileURLWithPath: options.contentDirectory, relativeTo: base),
                                   displayRoot: options.contentDirectory)
        let loaded = loader.load(into: &diagnostics)
        guard let (config, _) = SiteConfig.read(loaded, loader: loader, baseURL: options.baseURL, diagnostics: &diagnostics) else { return nil }
        let renderer = MarkdownRenderer(options: MarkdownOptions(smartPunctuation: config.smartPunctuation, unsafeHTML: config.unsafeHTML))
        let collections = config.collections
        let found = Parallel.map(loaded.pages, jobs: options.jobs) { path -> ExternalLinks in
            guard let source = loader.read(path).0 else { return ExternalLinks() }
            return ExternalLinks(of: source, collections: collections, renderer: renderer)
        }
        var links = ExternalLinks()
        for page in found { links.merge(page) }
        for key in links.uses.keys { links.uses[key]!.sort() }
        for key in links.citations.keys { links.citations[key]!.sort() }
        return links
    }

    /// The external URLs of one content file (none when its front matter cannot be read: the site check says why).
    init(of source: SourceFile, collections: Collections, renderer: MarkdownRenderer) {
        guard case .success(let split) = FrontMatterSplit.split(source),
              case .success(var frontMatter) = FrontMatter.parse(split, of: source) else { return }
        let path = source.displayPath
        func add(_ url: String, _ location: SourceLocation, _ kind: Use.Kind) {
            uses[url, default: []].append(Use(place: Place(path: path, location: location), kind: kind))
        }
        func addLinks(ofMarkdown markdown: String, lineOffset: Int, at fixed: SourceLocation?) {
            // Only the links are needed; the HTML made on the way is dropped.
            let rendered = renderer.render(markdown, lineOffset: lineOffset)
            for link in rendered.links where Self.isChecked(link.destination) {
                add(link.destination, fixed ?? link.location, .link)
            }
        }
        if case .item(let collection) = collections.place(of: source.path) {
            let key = collection.citable ? SitePath.fileStem(source.path) : nil
            var locations: [String: SourceLocation] = [:]
            var written: [String: String] = [:]
            for field in collection.fields {
                guard let value = frontMatter.value(of: field, locations: &locations), let location = locations[field.name] else { continue }
                if case .text(let text) = value { written[field.name] = text }
                switch (field.type, value) {
                case (.url, .text(let url)) where Self.isChecked(url):
                    add(url, location, .field(field.name, source: key))
                case (.list([.url]), .list(let items)):
                    for (index, item) in items.enumerated() {
                        if case .text(let url) = item, Self.isChecked(url) {
                            add(url, locations["\(field.name)#\(index)"] ?? location, .field(field.name, source: key))
                        }
                    }
                case (.markdown, .html(let text, _)):
                    // A field's Markdown is placed at its value: cmark's lines count from the value's text.
                    addLinks(ofMarkdown: text, lineOffset: 0, at: location)
                default:
                    break
                }
            }
            if let key, let url = written["url"], let archive = written["archive_url"], Self.isChecked(url), Self.isChecked(archive) {
                archives[key] = (url, archive)
            }
        }
        addLinks(ofMarkdown: split.body, lineOffset: split.bodyLineOffset, at: nil)
        for citation in SourceRegistry.citations(in: split.body, firstLine: split.bodyLineOffset + 1) {
            citations[citation.key, default: []].append(Place(path: path, location: citation.location))
        }
    }

    mutating func merge(_ other: ExternalLinks) {
        uses.merge(other.uses) { $0 + $1 }
        archives.merge(other.archives) { first, _ in first }
        citations.merge(other.citations) { $0 + $1 }
    }
}
