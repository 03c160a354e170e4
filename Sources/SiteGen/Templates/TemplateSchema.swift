/// The names the templates can use and what each holds: what `PageValues` and the contexts of
/// `SiteRenderer` give a page (a test holds the three together). A name that no context of a layout can
/// ever provide, such as `{{page.titel}}`, renders as nothing; it is reported as a warning at its tag.
enum TemplateSchema {
    /// Not `indirect`: the dictionaries hold the nesting (an indirect case's box is reached through a tagged
    /// pointer, which leak checkers cannot follow).
    enum Shape: Sendable {
        /// Text, a flag or a number.
        case value
        case object([String: Shape])
        /// A list of objects with these names.
        case list(of: [String: Shape])
    }

    static let date: Shape = .object(["text": .value, "iso": .value, "year": .value])

    /// What every item has, whatever its collection: `ItemValues`, `depth` levels of related items deep (an
    /// item's `previous` is an item, whose `previous` is one too).
    static func item(_ collections: Collections, depth: Int) -> [String: Shape] {
        var shape: [String: Shape] = [
            "title": .value, "body": .value, "prose": .value, "notes": .value, "lede": .value, "rest": .value,
            "description": .value, "href": .value, "id": .value, "path": .value, "collection": .value,
            "start": date, "end": date, "number": .value, "ordinal": .value, "last": .value,
            // Where the item is a row of a folder page: its date there, its collection as a flag, a span's end past the record.
            "date": date, "is": .object(Dictionary(collections.all.map { ($0.name, Shape.value) }, uniquingKeysWith: { $1 })),
            "after_record": .value,
            "listed": .object(Dictionary(collections.all.map { ($0.name, Shape.value) }, uniquingKeysWith: { $1 })),
        ]
        let related: [String: Shape] = depth > 0 ? item(collections, depth: depth - 1) : ["title": .value, "href": .value, "id": .value]
        shape["previous"] = .object(related)
        shape["next"] = .object(related)
        shape["linked_from"] = .list(of: related)
        var fields: [String: Shape] = [:]
        var lists: [String] = ["linked_from"]
        for collection in collections.all {
            for field in collection.fields {
                fields[field.name] = fieldShape(field.type, related: related)
                if case .list = field.type { lists.append(field.name) }
                if let inverse = field.inverse {
                    shape[inverse] = .list(of: related)
                    lists.append(inverse)
                }
            }
            for relation in collection.relations {
                switch relation {
                case .during(let name, _, let inverse, _):
                    shape[name] = .object(related.merging(["after_record": .value]) { $1 })
                    if let inverse {
                        shape[inverse] = .list(of: related)
                        lists.append(inverse)
                    }
                case .references(let name, _, _, _, _):
                    shape[name] = .list(of: related)
                    lists.append(name)
                }
            }
        }
        if collections.all.contains(where: \.citable) {
            shape["cited_by"] = .list(of: related)
            lists.append("cited_by")
        }
        shape["fields"] = .object(fields)
        shape["has"] = .object(Dictionary(lists.map { ($0, Shape.value) }, uniquingKeysWith: { $1 }))
        return shape
    }

    private static func fieldShape(_ type: FieldType, related: [String: Shape]) -> Shape {
        switch type {
        case .date: date
        case .page, .item: .object(related)
        case .list(let element):
            switch fieldShape(element[0], related: related) {
            case .object(let fields): .list(of: fields)
            default: .list(of: [:])
            }
        default: .value
        }
    }

    /// A collection as `collections.NAME` and a folder page's `list` show it (`ListValues`).
    static func list(_ collections: Collections, item: [String: Shape]) -> Shape {
        .object([
            "items": .list(of: item), "entries": .list(of: item),
            "groups": .list(of: ["id": .value, "label": .value, "entries": .list(of: item)]),
            "count": .value, "numbered": .value, "latest": date, "first": .object(item), "last": .object(item),
            "href": .value, "title": .value,
        ])
    }

    /// What every page's templates see (`PageValues`).
    static func page(_ collections: Collections) -> Shape {
        let item = item(collections, depth: 2)
        let list = list(collections, item: item)
        return .object([
            "title": .value,
            "page": .object(item),
            "canonical": .value, "feed": .value, "root": .value, "assets": .value, "language": .value,
            "site": .object(["title": .value, "description": .value]),
            "isHome": .value,
            "nav": .list(of: (["title": .value, "href": .value, "current": .value, "section": .value])),
            "credit": .object(["title": .value, "url": .value, "license": .value, "licenseURL": .value]),
            "main": .value,
            "breadcrumbs": .list(of: (["title": .value, "href": .value])), "hasBreadcrumbs": .value,
            "toc": .list(of: (["id": .value, "text": .value, "sub": .value])), "hasToc": .value,
            "list": list, "json_ld": .value,
            "collections": .object(Dictionary(collections.all.map { ($0.name, list) }, uniquingKeysWith: { $1 })),
        ])
    }

    /// Warns about every name of the templates that no page's values can provide. Templates that no other
    /// includes are layouts, looked at from the page's values; partials, in the contexts that include them.
    static func check(_ templates: [String: MustacheTemplate], displayPaths: [String: String], collections: Collections = .none,
                      into diagnostics: inout DiagnosticList) {
        let included = Set(templates.values.flatMap { $0.partialReferences.map(\.name) })
        var checker = Checker(templates: templates)
        let page = page(collections)
        for name in templates.keys.sorted() where !included.contains(name) || name == TemplateSet.baseLayout {
            checker.walk(templates[name]!.nodes, in: name, stack: [page])
        }
        for found in checker.unknown.sorted() {
            guard let path = displayPaths[found.template] else { continue }  // the built-in 404 layout
            var message = "no page's values have `\(found.name)`; it renders as nothing"
            if let near = found.suggestion { message += "; did you mean `\(near)`?" }
            diagnostics.append(.warning(path, line: found.location.line, column: found.location.column, message))
        }
    }

    private struct Checker {
        let templates: [String: MustacheTemplate]
        var unknown: Set<Found> = []
        /// Partials already looked at in a context, by the shapes' description: a partial included on every
        /// page of a loop is looked at once.
        var seen: Set<String> = []

        /// A name no context can have, where it stands, and the nearest name one has.
        struct Found: Hashable, Comparable {
            var template: String
            var location: SourceLocation
            var name: String
            var suggestion: String?
            static func < (a: Found, b: Found) -> Bool { (a.template, a.location, a.name) < (b.template, b.location, b.name) }
        }

        init(templates: [String: MustacheTemplate]) { self.templates = templates }

        mutating func walk(_ nodes: [MustacheNode], in template: String, stack: [Shape]) {
            for node in nodes {
                switch node {
                case .text:
                    break
                case .variable(let name, _):
                    _ = resolve(name, in: template, stack: stack)
                case .section(let name, let inverted, let children):
                    let shape = resolve(name, in: template, stack: stack)
                    if inverted || shape == nil {
                        walk(children, in: template, stack: stack)
                    } else if case .list(let element)? = shape {
                        walk(children, in: template, stack: stack + [.object(element)])
                    } else {
                        walk(children, in: template, stack: stack + [shape!])
                    }
                case .partial(let name, _, _):
                    guard let partial = templates[name], seen.insert(name + "\(stack.count)" + describe(stack.last!)).inserted else { continue }
                    walk(partial.nodes, in: name, stack: stack)
                }
            }
        }

        /// The shape of a name, or nil (reported) when no context on the stack can have it.
        mutating func resolve(_ name: MustacheName, in template: String, stack: [Shape]) -> Shape? {
            guard let first = name.parts.first else { return stack.last }
            var found: Shape?
            for shape in stack.reversed() {
                if case .object(let fields) = shape, let inside = fields[first.name] {
                    found = inside
                    break
                }
            }
            guard var current = found else {
                // The innermost context's names first: they are the likelier meant.
                let candidates = stack.reversed().flatMap { shape -> [String] in if case .object(let fields) = shape { fields.keys.sorted() } else { [] } }
                report(name, in: template, suggestion: nearest(first.name, among: candidates).map { ([$0] + name.parts.dropFirst().map(\.name)).joined(separator: ".") })
                return nil
            }
            for (index, part) in name.parts.enumerated().dropFirst() {
                guard case .object(let fields) = current, let inside = fields[part.name] else {
                    let candidates: [String] = if case .object(let fields) = current { fields.keys.sorted() } else { [] }
                    let prefix = name.parts[..<index].map(\.name).joined(separator: ".")
                    report(name, in: template, suggestion: nearest(part.name, among: candidates).map { prefix + "." + $0 })
                    return nil
                }
                current = inside
            }
            return current
        }

        mutating func report(_ name: MustacheName, in template: String, suggestion: String?) {
            unknown.insert(Found(template: template, location: name.location, name: name.text, suggestion: suggestion))
        }

        /// The first of the candidates at the least distance, at most 2 edits away.
        func nearest(_ name: String, among candidates: [String]) -> String? {
            var best: (String, Int)?
            for candidate in candidates {
                let distance = editDistance(candidate, name)
                if distance <= 2, distance < (best?.1 ?? 3) { best = (candidate, distance) }
            }
            return best?.0
        }

        func describe(_ shape: Shape) -> String {
            switch shape {
            case .value: "v"
            case .list(let element): "[" + describe(.object(element)) + "]"
            case .object(let fields): "{" + fields.keys.sorted().joined(separator: ",") + "}"
            }
        }
    }
}
