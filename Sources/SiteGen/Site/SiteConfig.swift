import Foundation

/// The site's settings, from `content/site.yaml`.
public struct SiteConfig: Sendable {
    public static let fileName = "site.yaml"

    public var title: String
    public var language: String
    public var description: String
    /// Absolute URL the site is published at (`https://example.org/site/`), for the sitemap only.
    public var baseURL: String?
    /// Raw HTML in Markdown passes through only when this is true.
    public var unsafeHTML: Bool
    /// Curly quotes and dashes from straight ones; off keeps a source text's characters as they are.
    public var smartPunctuation: Bool
    /// Pages of the navigation bar, by source path, in order.
    public var navigation: [(path: String, location: SourceLocation)]
    /// The credit line every page carries for the article the site is built from.
    public var sourceCredit: SourceCredit?
    /// Whether the build writes the search index (`SearchIndex`), for a search page to read.
    public var search = false
    /// The collections the site declares (`collections:`), each a folder of items with typed fields.
    public var collections = Collections.none

    public struct SourceCredit: Sendable {
        public var title: String
        public var url: String
        public var license: String
        public var licenseURL: String
    }

    /// The settings of a loaded content folder, with `--base-url` applied: what `build` and `serve` both use.
    /// nil when they are unusable (the diagnostics say why), or present but unreadable (reported already).
    static func read(_ loaded: ContentLoader.Loaded, loader: ContentLoader, baseURL: String?,
                     diagnostics: inout DiagnosticList) -> (SiteConfig, SourceFile)? {
        let settingsPath = loader.displayPath(fileName)
        if loaded.settings == nil, diagnostics.items.contains(where: { $0.path == settingsPath }) { return nil }
        guard var config = parse(loaded.settings, displayPath: settingsPath, into: &diagnostics), let source = loaded.settings
        else { return nil }
        if let baseURL {
            if let problem = baseURLProblem(baseURL) { diagnostics.append(.error("--base-url", problem)) }
            config.baseURL = withTrailingSlash(baseURL)
        }
        return (config, source)
    }

    /// The collections declared in a content folder's settings, or none when they cannot be read (the build
    /// reports why): what `sitegen new` gives a new item.
    public static func collections(inContent folder: String) -> Collections {
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + fileName
        guard let bytes = ContentLoader.readBytes(path), let text = String(validating: bytes, as: UTF8.self) else { return .none }
        var diagnostics = DiagnosticList()
        return parse(SourceFile(path: fileName, displayPath: path, text: text), displayPath: path, into: &diagnostics)?.collections ?? .none
    }

    /// Reads the settings; nil when they are unusable (the diagnostics say why).
    public static func parse(_ source: SourceFile?, displayPath: String, into diagnostics: inout DiagnosticList) -> SiteConfig? {
        guard let source else {
            diagnostics.append(.error(displayPath, "site settings file is missing: create it with at least `title:` and `language:`"))
            return nil
        }
        let split = FrontMatterSplit(yaml: source.text, yamlFirstLine: 1, body: "", bodyLineOffset: 0)
        var fields: FrontMatter
        switch FrontMatter.parse(split, of: source) {
        case .success(let parsed): fields = parsed
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        }
        let title = fields.string("title", required: "My site")
        let language = fields.string("language", required: "en")
        let description = fields.string("description") ?? ""
        let baseURL = fields.string("base_url")
        let unsafeHTML = fields.bool("unsafe_html") ?? false
        let smartPunctuation = fields.bool("smart_punctuation") ?? true
        let search = fields.bool("search") ?? false
        let navigation = fields.stringList("navigation").map { (path: $0.0, location: $0.1) }
        var collections = Collections.none
        if let node = fields.node("collections") {
            var reader = CollectionReader(displayPath: source.displayPath)
            collections = Collections(reader.read(node))
            diagnostics.append(contentsOf: reader.diagnostics)
        }
        var credit: SourceCredit?
        if let creditTitle = fields.string("source_title") {
            credit = SourceCredit(
                title: creditTitle,
                url: fields.string("source_url", required: "https://example.org/the-source") ?? "",
                license: fields.string("source_license", required: "CC BY-SA 4.0") ?? "",
                licenseURL: fields.string("source_license_url", required: "https://creativecommons.org/licenses/by-sa/4.0/") ?? "")
        }
        fields.reportUnknownKeys(what: "setting")
        diagnostics.append(contentsOf: fields.diagnostics)
        if let language, language.range(of: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", options: .regularExpression) == nil {
            let location = fields.location(of: "language")
            diagnostics.error(source.displayPath, location, "`language` must be a language tag such as en or en-US, not \(language)")
        }
        if let baseURL, let problem = Self.baseURLProblem(baseURL) {
            diagnostics.error(source.displayPath, fields.location(of: "base_url"), problem)
        }
        guard let title, let language, fields.diagnostics.allSatisfy({ $0.severity == .warning }) else { return nil }
        return SiteConfig(title: title, language: language, description: description, baseURL: baseURL.map(Self.withTrailingSlash),
                          unsafeHTML: unsafeHTML, smartPunctuation: smartPunctuation, navigation: navigation, sourceCredit: credit, search: search,
                          collections: collections)
    }

    /// Why a base URL is unusable, or nil.
    public static func baseURLProblem(_ text: String) -> String? {
        // Foundation's parser lets control characters and spaces through; an address has none.
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) || ForbiddenCharacters.isForbidden($0) }) {
            return "base URL must be an absolute http or https address such as https://example.org/site/, without spaces or control characters"
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return "base URL must be an absolute http or https address such as https://example.org/site/, not \(text)" }
        return nil
    }

    static func withTrailingSlash(_ url: String) -> String { url.hasSuffix("/") ? url : url + "/" }
}
