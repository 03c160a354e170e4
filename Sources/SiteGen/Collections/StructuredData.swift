import Foundation
import Yams

/// JSON-LD (schema.org) made from the typed data: what a collection's `schema:` declares of its items, each
/// property a field, one of `title`, `start`, `end`, `url`, a literal (`{value: …}`) or a nested object (a
/// mapping with `type:`). Every page gets a `WebPage` (an item's page an `Article`) with its `citation`s (the
/// cited sources, as their collection's `schema:` describes them) and `isBasedOn` the work the site credits;
/// an item's page describes the item too, and a folder page its items that have no page of their own.
public enum SchemaTemplate: Sendable {
    case object(type: String, properties: [(String, SchemaTemplate)])
    /// A field of the item, or `title`, `start`, `end`, `url`.
    case field(String)
    case literal(String)
}

extension CollectionReader {
    /// A `schema:` declaration: names checked against the collection's fields.
    mutating func readSchema(_ node: Node, in collection: ContentCollection) -> SchemaTemplate? {
        guard case .mapping(let mapping) = node else {
            report(node, "`schema` is `type:` (a schema.org type such as Person) and properties, each a field, `{value: TEXT}` or a nested `type:` mapping")
            return nil
        }
        var type: String?, properties: [(String, SchemaTemplate)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            if key == "type" {
                type = value.scalar?.string
                continue
            }
            switch value {
            case .scalar(let scalar):
                let name = scalar.string
                if ["title", "start", "end", "url"].contains(name) || collection.field(named: name) != nil {
                    properties.append((key, .field(name)))
                } else {
                    report(value, "`\(key)` names `\(name)`, which is not a field of `\(collection.name)` nor title, start, end or url; a text as it is is written {value: \(name)}")
                }
            case .mapping(let inner):
                if let literal = inner.first(where: { $0.key.scalar?.string == "value" })?.value.scalar?.string, inner.count == 1 {
                    properties.append((key, .literal(literal)))
                } else if let nested = readSchema(value, in: collection) {
                    properties.append((key, nested))
                }
            default:
                report(value, "`\(key)` is a field's name, {value: TEXT} or a nested mapping with `type:`")
            }
        }
        guard let type, !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            report(node, "`schema` needs `type:`, a schema.org type such as Person, Event or CreativeWork")
            return nil
        }
        return .object(type: type, properties: properties)
    }
}

/// Writes a page's JSON-LD.
struct StructuredData {
    let site: Site
    let baseURL: String?
    /// The page being rendered, which records every document and collection its JSON-LD is made of.
    let reads: RenderContext

    /// The page's JSON-LD graph as text, safe inside `<script>` (every `<` escaped).
    func jsonLD(for page: Document) -> String {
        var graph: [JSON] = []
        var webPage: [(String, JSON)] = [("@type", .string(page.isItem ? "Article" : "WebPage")), ("name", .string(page.title))]
        if let baseURL { webPage.append(("url", .string(baseURL + page.holderURL))) }
        webPage.append(("inLanguage", .string(site.config.language)))
        if let credit = site.config.sourceCredit {
            webPage.append(("isBasedOn", .object([("@type", .string("CreativeWork")), ("name", .string(credit.title)), ("url", .string(credit.url)),
                                                  ("license", .string(credit.licenseURL))])))
        }
        // The sources its text cites, and those of the items it shows whole.
        var shown = [page]
        reads.read(page)
        if page.isList, let name = page.collection {
            reads.read(collection: name)
            if let collection = site.collections[name], !collection.declaration.itemPages { shown += collection.items }
        }
        var keys: [String] = []
        for document in shown { for key in document.citations where !keys.contains(key) { keys.append(key) } }
        if let citable = site.declared.first(where: \.citable), let schema = citable.schema {
            let citations = keys.compactMap { key in
                reads.read(path: citable.folder + "/" + key + ".md")
                return site.items[citable.folder + "/" + key + ".md"]?.document
            }.map { node(schema, for: $0) }
            if !citations.isEmpty { webPage.append(("citation", .array(citations))) }
        }
        if page.isItem, let name = page.collection, let schema = site.config.collections[name]?.schema {
            webPage.append(("about", node(schema, for: page)))
        } else if shown.count > 1, let name = page.collection, let schema = site.config.collections[name]?.schema {
            webPage.append(("hasPart", .array(shown.dropFirst().map { node(schema, for: $0) })))
        }
        graph.append(.object(webPage))
        return JSON.object([("@context", .string("https://schema.org")), ("@graph", .array(graph))]).text
    }

    private func node(_ template: SchemaTemplate, for item: Document) -> JSON {
        reads.read(item)
        switch template {
        case .literal(let text): return .string(text)
        case .field(let name): return value(name, of: item)
        case .object(let type, let properties):
            var members: [(String, JSON)] = [("@type", .string(type))]
            for (key, property) in properties {
                let value = node(property, for: item)
                if case .null = value { continue }
                if case .array(let items) = value, items.isEmpty { continue }
                members.append((key, value))
            }
            // An object the item has no value for (a publisher not recorded) is left out, not written empty.
            return members.count == 1 && !properties.isEmpty ? .null : .object(members)
        }
    }

    private func value(_ name: String, of item: Document) -> JSON {
        let facts = site.items[item.path]
        // A declared field first: `title` is the item's field of that name where it has one (a person's `title`
        // may be a job's, the item being titled by `name`).
        if let field = item.fields[name] { return json(field) }
        switch name {
        case "title": return .string(item.title)
        case "start": return facts?.start.map { .string($0.description) } ?? .null
        case "end": return facts?.end.map { .string($0.description) } ?? .null
        case "url":
            guard let baseURL else { return .null }
            return .string(baseURL + item.holderURL + (item.hasOwnPage ? "" : "#" + SitePath.fileStem(item.path)))
        default: return item.fields[name].map(json) ?? .null
        }
    }

    private func json(_ value: FieldValue) -> JSON {
        switch value {
        case .text(let text): return .string(text)
        case .html(let source, _): return .string(source)
        case .date(let date): return .string(date.description)
        case .number(let number): return .number(number)
        case .flag(let flag): return .bool(flag)
        case .reference(let path):
            reads.read(path: path)
            return site.document(at: path).map { .string($0.title) } ?? .null
        case .list(let values): return .array(values.map(json))
        }
    }
}

/// Just enough JSON: members in the order given, so the text is the same from run to run.
enum JSON {
    case string(String), number(Double), bool(Bool), null
    case array([JSON])
    case object([(String, JSON)])

    /// Written into one buffer: a page's JSON-LD is made at every render, and a string joined piece by piece
    /// is copied again at each piece.
    var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .number(let number): out += (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)).utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .null: out += "null".utf8
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (name, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(name, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string; `<`, `>` and `&` as escapes too, so that no `</script>` can end the element early.
    static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        quote(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func quote(_ text: String, into out: inout [UInt8]) {
        func escape(_ value: UInt32) {
            let digits = Array("0123456789abcdef".utf8)
            out += [UInt8(ascii: "\\"), UInt8(ascii: "u")]
            for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
        }
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): escape(UInt32(byte))
                case ..<0x20: escape(UInt32(byte))
                // U+2028 and U+2029 (E2 80 A8, E2 80 A9) end a line in older JavaScript.
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    escape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                    index += 2
                default: out.append(byte)
                }
                index += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
