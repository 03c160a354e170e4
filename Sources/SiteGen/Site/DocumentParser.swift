import Foundation

/// The parse phase for one file: front matter, then Markdown rendered with links rewritten.
public struct DocumentParser: Sendable {
    public let renderer: MarkdownRenderer
    public let links: LinkResolver
    public let collections: Collections
    /// The sources pages cite by key; the citable collection's own items are parsed before the others with none.
    public let sources: SourceRegistry

    public init(renderer: MarkdownRenderer, links: LinkResolver, collections: Collections = .none, sources: SourceRegistry = .none) {
        self.renderer = renderer
        self.links = links
        self.collections = collections
        self.sources = sources
    }

    /// The same parser with the sources the others cite.
    public func citing(_ sources: SourceRegistry) -> DocumentParser {
        DocumentParser(renderer: renderer, links: links, collections: collections, sources: sources)
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
        let place = collections.place(of: source.path)
        var title: String?
        var values: [String: FieldValue] = [:]
        var locations: [String: SourceLocation] = [:]
        var itemCollection: ContentCollection?
        if case .item(let collection) = place {
            itemCollection = collection
            for field in collection.fields {
                if let value = fields.value(of: field, locations: &locations) { values[field.name] = value }
            }
            if collection.field(named: collection.titleField) == nil {
                title = fields.string(collection.titleField, required: "A title")
            } else if case .text(let text)? = values[collection.titleField] {
                title = text
            } else if !collection.fields.contains(where: { $0.name == collection.titleField && $0.required }) {
                title = fields.string("title", required: "A title")
            }
        } else {
            title = fields.string("title", required: "History")
        }
        let navigationTitle = fields.string("nav_title")
        let description = fields.string("description")
        let layout = fields.string("layout")
        let draft = fields.bool("draft") ?? false
        let toc = fields.bool("toc")
        // An item may declare a field of one of these names (a source's `url`): then it is that field.
        for key in ["slug", "url", "permalink", "path"] where itemCollection?.field(named: key) == nil {
            guard let value = fields.refusedString(key) else { continue }
            let location = fields.valueLocation(of: key)
            let reason = PathSafety.problem(in: value).map { "; this one would also leave the output folder: \($0)" } ?? ""
            fields.reportError(at: location, "`\(key)` is not supported: a page's URL comes from its file name, so rename \(source.path) instead\(reason)")
        }
        fields.reportUnknownKeys(declaredBy: itemCollection?.name)
        var diagnostics = fields.diagnostics

        let holder = collections.holder(of: source.path)
        let holderURL = holder.url
        // Each destination is resolved once, here; the resolve phase checks the same targets.
        var targets: [LinkTarget] = []
        targets.reserveCapacity(16)
        // Citations by key: each cited label's note, made from the registry, added as a footnote definition.
        let cited = sources.cited(split.body, firstLine: split.bodyLineOffset + 1, displayPath: source.displayPath)
        diagnostics += cited.problems
        var uncited: [SourceLocation] = []
        if itemCollection?.requireCitations == true {
            uncited = Self.paragraphsWithoutCitation(split.body, firstLine: split.bodyLineOffset + 1)
            for location in uncited {
                diagnostics.append(.warning(source.displayPath, line: location.line, column: location.column,
                                            "this paragraph cites no source: add [^@KEY] (items of `\(itemCollection!.name)` cite every paragraph)"))
            }
        }
        var body = renderer.render(cited.markdown, lineOffset: split.bodyLineOffset) { link in
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
        if let anchor = holder.anchor {
            body.html = Self.prefixFootnoteIDs(body.html, with: anchor)
        }
        // Markdown fields, rendered as the body is, their links rewritten to work from the page.
        for (name, value) in values {
            if case .html(let text, _) = value {
                let html = renderer.render(text) { link in links.rewrite(links.target(of: link.destination, from: source.path), holderURL: holderURL) }.html
                values[name] = .html(source: text, html: html)
            }
        }
        if let layout, layout.isEmpty || PathSafety.problem(in: layout) != nil {
            diagnostics.append(.error(source.displayPath, line: fields.location(of: "layout").line, column: fields.location(of: "layout").column,
                                      "`layout` must name a template in templates/, such as page"))
        }
        guard let title, diagnostics.allSatisfy({ $0.severity == .warning }) else { return (nil, diagnostics) }
        // The text is not needed after this phase; diagnostics re-read lines from disk.
        let document = Document(source: SourceFile(path: source.path, displayPath: source.displayPath, text: ""), collection: place.collection?.name, isList: { if case .list = place { true } else { false } }(),
                                title: title, navigationTitle: navigationTitle, description: description, layout: layout,
                                draft: draft, tableOfContents: toc, fields: values, fieldLocations: locations,
                                hasOwnPage: holder.anchor == nil, citations: cited.keys, uncitedParagraphs: uncited, body: body, internalLinks: internalLinks,
                                holderURL: holderURL)
        return (document, diagnostics)
    }

    /// The first line of each paragraph of `markdown` that neither cites a source (`[^@…]`) nor refers to a
    /// note that does. A paragraph: lines of text between blank lines, not a heading, a fence, a table, a note's
    /// definition, a thematic break or HTML; a list item counts as one.
    static func paragraphsWithoutCitation(_ markdown: String, firstLine: Int) -> [SourceLocation] {
        let lines = markdown.components(separatedBy: "\n")
        // Notes whose text cites a source: a paragraph referring to one is cited through it.
        var citingNotes: Set<String> = []
        for line in lines where line.hasPrefix("[^") {
            if let close = line.firstIndex(of: "]"), line[close...].hasPrefix("]:"), line.contains("[^@") {
                citingNotes.insert(String(line[line.index(line.startIndex, offsetBy: 2)..<close]))
            }
        }
        func cites(_ text: String) -> Bool {
            if text.contains("[^@") { return true }
            var rest = text[...]
            while let open = rest.range(of: "[^") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: "]") else { break }
                if citingNotes.contains(String(after[..<close])) { return true }
                rest = after[close...]
            }
            return false
        }
        var found: [SourceLocation] = []
        var block: [String] = [], blockStart = 0, fence = false
        func end() {
            defer { block = [] }
            guard let first = block.first else { return }
            let trimmed = first.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || trimmed.hasPrefix("|") || trimmed.hasPrefix("<") || trimmed.hasPrefix("[^")
                || trimmed.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" || $0 == " " }) { return }
            if !cites(block.joined(separator: "\n")) { found.append(SourceLocation(line: firstLine + blockStart, column: 1)) }
        }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                end()
                fence.toggle()
                continue
            }
            if fence { continue }
            let listItem = trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ")
                || (trimmed.first?.isNumber == true && trimmed.contains(". ") && trimmed.prefix(while: \.isNumber).count < 10 && trimmed.dropFirst(trimmed.prefix(while: \.isNumber).count).hasPrefix(". "))
            if trimmed.isEmpty || (listItem && !block.isEmpty) { end() }
            if trimmed.isEmpty { continue }
            if block.isEmpty { blockStart = index }
            block.append(line)
        }
        end()
        return found
    }

    /// Several items share their folder's page, and cmark-gfm names notes `fn-1` in each of them;
    /// prefixing with the item's anchor keeps ids unique. Attribute values are the only place
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
