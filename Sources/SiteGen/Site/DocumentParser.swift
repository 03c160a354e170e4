import Foundation

/// The parse phase for one file: front matter, then Markdown rendered with links rewritten.
public struct DocumentParser: Sendable {
    public let renderer: MarkdownRenderer
    public let links: LinkResolver

    public init(renderer: MarkdownRenderer, links: LinkResolver) {
        self.renderer = renderer
        self.links = links
    }

    public func parse(_ source: SourceFile) -> (Document?, [Diagnostic]) {
        let split: FrontMatterSplit
        switch FrontMatterSplit.split(source) {
        case .success(let value): split = value
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        var fields: FrontMatter
        switch FrontMatter.parse(split, of: source) {
        case .success(let value): fields = value
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        let kind = PageKind(path: source.path)
        var title: String?
        var ambassador: AmbassadorFields?
        var event: EventFields?
        switch kind {
        case .ambassador:
            ambassador = readAmbassador(&fields)
            title = ambassador?.name
        case .event:
            title = fields.string("title", required: "Diplomatic relations established")
            if let date = fields.date("date", required: true) {
                let related = fields.stringList("pages") + fields.stringList("ambassadors")
                event = EventFields(date: date, related: related.map { (path: $0.0, location: $0.1) })
            } else {
                _ = fields.stringList("pages") + fields.stringList("ambassadors")
            }
            for (alias, location) in fields.stringList("aliases") {
                // An id as sitegen makes them from file names: letters, digits, `-` and `_`.
                guard !alias.isEmpty, alias.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D || $0 == 0x5F }) else {
                    fields.reportError(at: location, "`aliases` names former anchors such as 2012-03-military-coup (letters, digits, - and _), not \(alias)")
                    continue
                }
                event?.aliases.append((alias, location))
            }
        default:
            title = fields.string("title", required: "History")
        }
        let navigationTitle = fields.string("nav_title")
        let description = fields.string("description")
        let layout = fields.string("layout")
        let draft = fields.bool("draft") ?? false
        let toc = fields.bool("toc")
        for key in ["slug", "url", "permalink", "path"] {
            guard let value = fields.refusedString(key) else { continue }
            let location = fields.valueLocation(of: key)
            let reason = PathSafety.problem(in: value).map { "; this one would also leave the output folder: \($0)" } ?? ""
            fields.reportError(at: location, "`\(key)` is not supported: a page's URL comes from its file name, so rename \(source.path) instead\(reason)")
        }
        fields.reportUnknownKeys()
        var diagnostics = fields.diagnostics

        let holderURL = kind == .event ? SitePath.pageURL(forSource: PageKind.timelineFolder + "/index.md") : SitePath.pageURL(forSource: source.path)
        // Each destination is resolved once, here; the resolve phase checks the same targets.
        var targets: [LinkTarget] = []
        targets.reserveCapacity(16)
        var body = renderer.render(split.body, lineOffset: split.bodyLineOffset) { link in
            let target = links.target(of: link.destination, from: source.path)
            targets.append(target)
            return links.rewrite(target, holderURL: holderURL)
        }
        // The sources were rid of forbidden characters as they were read, but cmark decodes a character
        // reference (`&#1;`) into the character it names: replaced here too, with a warning at the reference.
        if let (html, _) = ForbiddenCharacters.replaced(in: body.html) {
            body.html = html
            for index in body.headings.indices {
                body.headings[index].text = ForbiddenCharacters.replaced(in: body.headings[index].text)?.text ?? body.headings[index].text
            }
            let location = ForbiddenCharacters.firstReference(in: split.body, firstLine: split.bodyLineOffset + 1)
                ?? SourceLocation(line: split.bodyLineOffset + 1, column: 1)
            diagnostics.append(.warning(source.displayPath, line: location.line, column: location.column,
                                        "a character reference names a control character or noncharacter, which HTML and XML do not allow; it is replaced by U+FFFD (\u{FFFD})"))
        }
        var internalLinks: [(location: SourceLocation, target: LinkTarget)] = []
        internalLinks.reserveCapacity(targets.count)
        for (link, target) in zip(body.links, targets) where target != .external {
            internalLinks.append((link.location, target))
        }
        body.links = []
        if kind == .event {
            body.html = Self.prefixFootnoteIDs(body.html, with: SitePath.eventAnchor(forSource: source.path))
        }
        if let layout, layout.isEmpty || PathSafety.problem(in: layout) != nil {
            diagnostics.append(.error(source.displayPath, line: fields.location(of: "layout").line, column: fields.location(of: "layout").column,
                                      "`layout` must name a template in templates/, such as page"))
        }
        guard let title, diagnostics.allSatisfy({ $0.severity == .warning }),
              kind != .ambassador || ambassador != nil, kind != .event || event != nil
        else { return (nil, diagnostics) }
        // The text is not needed after this phase; diagnostics re-read lines from disk.
        let document = Document(source: SourceFile(path: source.path, displayPath: source.displayPath, text: ""), kind: kind, title: title, navigationTitle: navigationTitle, description: description, layout: layout,
                                draft: draft, tableOfContents: toc, ambassador: ambassador, event: event, body: body, internalLinks: internalLinks,
                                holderURL: holderURL)
        return (document, diagnostics)
    }

    private func readAmbassador(_ fields: inout FrontMatter) -> AmbassadorFields? {
        let name = fields.string("name", required: "John Gunther Dean")
        let title = fields.string("title", required: "Ambassador")
        let appointed = fields.date("appointed")
        let credentials = fields.date("credentials")
        let left = fields.date("left")
        let appointedBy = fields.string("appointed_by")
        let inferred = fields.bool("appointed_by_inferred") ?? false
        guard let name, let title else { return nil }
        var locations: [String: SourceLocation] = [:]
        for key in ["appointed", "credentials", "left"] { locations[key] = fields.location(of: key) }
        return AmbassadorFields(name: name, title: title, appointed: appointed, credentials: credentials, left: left,
                                appointedBy: appointedBy, appointedByInferred: inferred, locations: locations)
    }

    /// Several events share the timeline page, and cmark-gfm names notes `fn-1` in each of them;
    /// prefixing with the event's anchor keeps ids unique. Attribute values are the only place
    /// cmark writes an unescaped `"`, so the replacements touch nothing else.
    static func prefixFootnoteIDs(_ html: String, with anchor: String) -> String {
        guard html.contains("fn") else { return html }
        return html
            .replacingOccurrences(of: "id=\"fn-", with: "id=\"fn-\(anchor)-")
            .replacingOccurrences(of: "href=\"#fn-", with: "href=\"#fn-\(anchor)-")
            .replacingOccurrences(of: "id=\"fnref-", with: "id=\"fnref-\(anchor)-")
            .replacingOccurrences(of: "href=\"#fnref-", with: "href=\"#fnref-\(anchor)-")
    }
}
