import Yams

/// Reads the `collections:` of the site settings into `ContentCollection`s, reporting each mistake at its own line
/// and column in site.yaml, all at once.
struct CollectionReader {
    let displayPath: String
    private(set) var diagnostics: [Diagnostic] = []

    init(displayPath: String) {
        self.displayPath = displayPath
    }

    static let collectionKeys = ["folder", "fields", "title_field", "item_pages", "layout", "list_layout", "start", "end",
                                 "lasts_until_next", "order", "number", "feed", "relations", "merge", "group_by", "descending",
                                 "citable", "require_citations", "schema", "search"]
    static let fieldKeys = ["type", "required", "default", "example", "inverse"]
    /// What every item has in templates (`ItemValues`): a relation or an inverse of one of these names would hide it.
    static let itemNames: Set<String> = ["title", "body", "prose", "notes", "lede", "rest", "description", "href", "id", "path",
                                         "collection", "fields", "start", "end", "number", "ordinal", "previous", "next", "has",
                                         "listed", "linked_from", "is", "last", "date", "after_record", "cited_by"]

    private func location(_ node: Node) -> SourceLocation {
        SourceLocation(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// An error at `node`, for the readers of parts of a declaration in other files.
    mutating func report(_ node: Node, _ message: String) { error(node, message) }

    private mutating func error(_ node: Node, _ message: String) {
        diagnostics.append(.error(displayPath, line: location(node).line, column: location(node).column, message))
    }

    private func nearest(_ name: String, among names: [String]) -> String {
        guard let near = names.map({ ($0, editDistance($0, name)) }).min(by: { $0.1 < $1.1 }), near.1 <= 2 else { return "" }
        return "; did you mean `\(near.0)`?"
    }

    /// The pairs of a mapping, or an error and none.
    private mutating func pairs(_ node: Node, what: String) -> [(String, Node, Node)] {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be `key: value` lines")
            return []
        }
        return mapping.map { ($0.key.scalar?.string ?? "", $0.key, $0.value) }
    }

    private mutating func text(_ node: Node, _ key: String) -> String? {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            error(node, "`\(key)` must be a name, not a list or mapping")
            return nil
        }
        return scalar.string
    }

    private mutating func names(_ node: Node, _ key: String) -> [(String, Node)] {
        switch node {
        case .scalar(let scalar): return [(scalar.string, node)]
        case .sequence(let items):
            return items.compactMap { item in text(item, key).map { ($0, item) } }
        default:
            error(node, "`\(key)` must be a name or a list of names")
            return []
        }
    }

    private mutating func flag(_ node: Node, _ key: String) -> Bool {
        guard let value = node.bool, case .scalar = node else {
            error(node, "`\(key)` must be true or false")
            return false
        }
        return value
    }

    /// Every collection declared, in order; the ones with mistakes too, as far as they could be read, so
    /// that their items are still checked. Checks between collections are made once all are read.
    mutating func read(_ root: Node) -> [ContentCollection] {
        var collections: [ContentCollection] = []
        for (name, keyNode, value) in pairs(root, what: "`collections`") {
            guard Self.isName(name) else {
                error(keyNode, "a collection's name is letters, digits and `_`, starting with a letter, such as `events`; not `\(name)`")
                continue
            }
            if let collection = readCollection(name, keyNode: keyNode, value) { collections.append(collection) }
        }
        check(collections)
        // A field of a type that names no collection (reported above) is read as text: its items' values are
        // not taken for references to pages that do not exist.
        let names = Set(collections.map(\.name))
        func known(_ type: FieldType) -> FieldType {
            switch type {
            case .item(let name) where !names.contains(name): .text
            case .list(let element): .list([known(element[0])])
            default: type
            }
        }
        for index in collections.indices {
            for field in collections[index].fields.indices { collections[index].fields[field].type = known(collections[index].fields[field].type) }
        }
        return collections
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private mutating func readCollection(_ name: String, keyNode: Node, _ node: Node) -> ContentCollection? {
        var collection = ContentCollection(name: name, folder: "", fields: [], location: location(keyNode))
        var folderSeen = false
        var startNode: Node?, endNode: Node?, orderNode: Node?, numberNode: Node?, titleNode: Node?, groupNode: Node?, schemaNode: Node?
        var relationNodes: [(String, Node, Node)] = []
        for (key, keyNode, value) in pairs(node, what: "collection `\(name)`") {
            switch key {
            case "folder":
                guard let folder = text(value, key) else { continue }
                folderSeen = true
                if PathSafety.problem(in: folder) != nil || folder.contains("/") || folder.hasPrefix(".") {
                    error(value, "`folder` names one folder inside content/, such as `events`; not \(folder)")
                }
                collection.folder = folder
            case "fields":
                for (fieldName, fieldKey, fieldValue) in pairs(value, what: "`fields`") {
                    if let field = readField(fieldName, keyNode: fieldKey, fieldValue) {
                        if collection.field(named: fieldName) != nil {
                            error(fieldKey, "field `\(fieldName)` is declared twice")
                        } else {
                            collection.fields.append(field)
                        }
                    }
                }
            case "title_field":
                titleNode = value
                collection.titleField = text(value, key) ?? "title"
            case "item_pages": collection.itemPages = flag(value, key)
            case "layout": collection.layout = text(value, key)
            case "list_layout": collection.listLayout = text(value, key)
            case "start":
                startNode = value
                collection.start = names(value, key).map(\.0)
            case "end":
                endNode = value
                collection.end = text(value, key)
            case "lasts_until_next": collection.lastsUntilNext = flag(value, key)
            case "order":
                orderNode = value
                guard let order = text(value, key) else { continue }
                switch order {
                case "start": collection.order = .start
                case "title": collection.order = .title
                case "path", "file": collection.order = .path
                default: collection.order = .field(order)
                }
            case "number":
                numberNode = value
                collection.numbered = readCondition(value)
            case "feed": collection.feed = flag(value, key)
            case "descending": collection.descending = flag(value, key)
            case "citable": collection.citable = flag(value, key)
            case "search": collection.searchable = flag(value, key)
            case "schema": schemaNode = value
            case "require_citations": collection.requireCitations = flag(value, key)
            case "relations":
                relationNodes = pairs(value, what: "`relations`")
            case "merge":
                for (other, otherKey, options) in pairs(value, what: "`merge`") {
                    var prefix = ""
                    if case .mapping = options {
                        for (option, optionKey, optionValue) in pairs(options, what: "a merged collection") {
                            if option == "anchor_prefix" { prefix = text(optionValue, option) ?? "" } else {
                                error(optionKey, "unknown key `\(option)` of a merged collection; it has `anchor_prefix`\(nearest(option, among: ["anchor_prefix"]))")
                            }
                        }
                    } else if !isNull(options) {
                        error(options, "a merged collection takes `anchor_prefix: term-` or nothing")
                    }
                    collection.merged.append(.init(collection: other, anchorPrefix: prefix, location: location(otherKey)))
                }
            case "group_by":
                guard let grouping = text(value, key) else { continue }
                groupNode = value
                collection.grouping = ContentCollection.Grouping.named[grouping] ?? .field(grouping)
            default:
                error(keyNode, "unknown key `\(key)` in collection `\(name)`\(nearest(key, among: Self.collectionKeys))")
            }
        }
        if !folderSeen {
            error(keyNode, "collection `\(name)` needs `folder:`, the folder inside content/ that holds its items")
            return nil
        }
        // Field names used by the other keys must be declared, with the right type.
        let declared = collection.fields.map(\.name) + ["title"]
        func checkField(_ field: String, at node: Node, as what: String, type wanted: FieldType? = nil) {
            guard let declaration = collection.field(named: field) else {
                if field == "title", wanted == nil || wanted == .text { return }
                error(node, "`\(what)` names `\(field)`, which is not a field of `\(name)`\(nearest(field, among: declared))")
                return
            }
            if let wanted, declaration.type != wanted {
                // Reported once the collections are known: a field whose type is a misspelt name has its own error.
                let diagnostic = Diagnostic.error(displayPath, line: location(node).line, column: location(node).column,
                                                  "`\(what)` needs a \(wanted) field; `\(field)` is \(declaration.type)")
                pendingMismatches.append((declaration.type, diagnostic))
            }
        }
        if let titleNode {
            if collection.field(named: collection.titleField) == nil {
                error(titleNode, "`title_field` names `\(collection.titleField)`, which is not a field of `\(name)`\(nearest(collection.titleField, among: declared))")
            } else if collection.field(named: collection.titleField)?.type != .text {
                error(titleNode, "`title_field` needs a text field")
            }
        }
        if let startNode {
            for (field, fieldNode) in names(startNode, "start") {
                checkField(field, at: fieldNode.mark == nil ? startNode : fieldNode, as: "start", type: .date)
            }
        }
        if let endNode, let end = collection.end { checkField(end, at: endNode, as: "end", type: .date) }
        if let orderNode, case .field(let field) = collection.order { checkField(field, at: orderNode, as: "order") }
        if let orderNode, collection.order == .start, collection.start.isEmpty {
            error(orderNode, "`order: start` needs `start:`, the date fields an item starts at")
        }
        if orderNode == nil, collection.start.isEmpty { collection.order = .path }
        if let numberNode, let condition = collection.numbered { checkField(condition.field, at: numberNode, as: "number") }
        if let groupNode, case .field(let field) = collection.grouping {
            if collection.field(named: field) == nil, field != "title" {
                let names = ["decade", "year", "month", "letter"]
                error(groupNode, "`group_by` is decade, year, month, letter or a text field of `\(name)`, not \(field)\(nearest(field, among: names + declared))")
            } else {
                checkField(field, at: groupNode, as: "group_by", type: .text)
            }
        }
        if collection.lastsUntilNext, collection.start.isEmpty {
            error(keyNode, "`lasts_until_next` needs `start:`")
        }
        if let schemaNode { collection.schema = readSchema(schemaNode, in: collection) }
        for (relationName, relationKey, relationValue) in relationNodes {
            if let relation = readRelation(relationName, keyNode: relationKey, relationValue, in: collection) {
                collection.relations.append(relation)
            }
        }
        return collection
    }

    private func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" }
        return false
    }

    private mutating func readCondition(_ node: Node) -> ContentCollection.Condition? {
        var field: String?, test: ContentCollection.Condition.Test = .isSet
        for (key, keyNode, value) in pairs(node, what: "`number`") {
            switch key {
            case "field": field = text(value, key)
            case "equals": test = .equals(value.scalar?.string ?? "")
            case "starts_with": test = .startsWith(value.scalar?.string ?? "")
            default: error(keyNode, "unknown key `\(key)` of `number`: it has `field`, then `equals:` or `starts_with:` (or neither: a flag that is true)\(nearest(key, among: ["field", "equals", "starts_with"]))")
            }
        }
        guard let field else {
            error(node, "`number` needs `field:`, the field that says which items are numbered")
            return nil
        }
        return ContentCollection.Condition(field: field, test: test)
    }

    private mutating func readField(_ name: String, keyNode: Node, _ node: Node) -> FieldDeclaration? {
        guard Self.isName(name) || name.contains("-") && Self.isName(name.replacingOccurrences(of: "-", with: "_")) else {
            error(keyNode, "a field's name is letters, digits and `_`, such as `published_on`; not `\(name)`")
            return nil
        }
        var field = FieldDeclaration(name: name, type: .text, location: location(keyNode))
        var typeNode = node
        var defaultNode: Node?
        switch node {
        case .scalar:
            break
        case .mapping:
            var typed = false
            for (key, optionKey, value) in pairs(node, what: "field `\(name)`") {
                switch key {
                case "type": typeNode = value; typed = true
                case "required": field.required = flag(value, key)
                case "default": defaultNode = value
                case "example": field.example = value.scalar?.string
                case "inverse":
                    if let inverse = text(value, key) {
                        guard Self.isName(inverse), !Self.itemNames.contains(inverse) else {
                            error(value, "`inverse` names a list that templates read, such as `events`: letters, digits and `_`, and not a value every item has (`\(inverse)`)")
                            continue
                        }
                        field.inverse = inverse
                    }
                default: error(optionKey, "unknown key `\(key)` of field `\(name)`\(nearest(key, among: Self.fieldKeys))")
                }
            }
            if !typed {
                error(keyNode, "field `\(name)` needs `type:` (\(FieldType.names.joined(separator: ", ")), a collection's name, or `list of` one of these)")
                return nil
            }
        default:
            error(node, "field `\(name)` is a type (`date`) or `key: value` lines (`type: date`, `required: true`…)")
            return nil
        }
        guard let typeName = text(typeNode, "type") else { return nil }
        field.type = fieldType(typeName)
        pendingTypes.append((typeName, typeNode))
        if let defaultNode {
            if field.required { error(defaultNode, "a required field has no default: an item must give it") }
            field.defaultValue = defaultValue(defaultNode, type: field.type)
        }
        if field.inverse != nil, !field.type.isReference {
            error(typeNode, "`inverse` needs a field that names pages or items, not \(field.type)")
        }
        return field
    }

    /// Type names that may be collections, checked once every collection is known.
    private var pendingTypes: [(String, Node)] = []
    /// Fields of the wrong type for what names them, reported unless the type itself is unknown.
    private var pendingMismatches: [(FieldType, Diagnostic)] = []

    private func fieldType(_ name: String) -> FieldType {
        if name.hasPrefix("list of ") { return .list([fieldType(String(name.dropFirst("list of ".count)).trimmingCharacters(in: .whitespaces))]) }
        switch name {
        case "text": return .text
        case "markdown": return .markdown
        case "date": return .date
        case "number": return .number
        case "flag": return .flag
        case "url": return .url
        case "anchor": return .anchor
        case "page": return .page
        default: return .item(name)
        }
    }

    private mutating func defaultValue(_ node: Node, type: FieldType) -> FieldValue? {
        guard case .scalar(let scalar) = node else {
            error(node, "a default is one value")
            return nil
        }
        switch type {
        case .flag:
            guard let value = node.bool else { error(node, "the default of a flag is true or false"); return nil }
            return .flag(value)
        case .number:
            guard let value = Double(scalar.string) else { error(node, "the default of a number is a number"); return nil }
            return .number(value)
        case .date:
            guard case .success(let date) = PartialDate.parse(scalar.string) else { error(node, "the default of a date is written YYYY, YYYY-MM or YYYY-MM-DD"); return nil }
            return .date(date)
        case .text, .url, .anchor: return .text(scalar.string)
        default:
            error(node, "a \(type) field has no default")
            return nil
        }
    }

    private mutating func readRelation(_ name: String, keyNode: Node, _ node: Node, in collection: ContentCollection) -> Relation? {
        guard Self.isName(name) else {
            error(keyNode, "a relation's name is letters, digits and `_`, such as `in_office`; not `\(name)`")
            return nil
        }
        if collection.field(named: name) != nil || Self.itemNames.contains(name) {
            error(keyNode, "relation `\(name)` has the name of \(Self.itemNames.contains(name) ? "a value every item has in templates (`\(name)`)" : "a field of `\(collection.name)`"); name it otherwise")
            return nil
        }
        var during: String?, inverse: String?, references: [(String, Node)]?, exceptLinked = false, except: [(String, Node)] = []
        for (key, optionKey, value) in pairs(node, what: "relation `\(name)`") {
            switch key {
            case "during": during = text(value, key)
            case "inverse": inverse = text(value, key)
            case "references": references = names(value, key)
            case "except_linked": exceptLinked = flag(value, key)
            case "except": except = names(value, key)
            default: error(optionKey, "unknown key `\(key)` of relation `\(name)`: a relation is `during: COLLECTION` (with `inverse:`) or `references: [FIELDS]` (with `except_linked:`, `except:`)\(nearest(key, among: ["during", "inverse", "references", "except_linked", "except"]))")
            }
        }
        let at = location(keyNode)
        if let inverse, Self.itemNames.contains(inverse) {
            error(keyNode, "`inverse: \(inverse)` has the name of a value every item has in templates; name it otherwise, such as `\(collection.name)`")
        }
        if let during {
            if !collection.isDated { error(keyNode, "relation `\(name)` looks items up by date: `\(collection.name)` needs `start:`") }
            return .during(name: name, collection: during, inverse: inverse, location: at)
        }
        if let references {
            for (field, fieldNode) in references where !(collection.field(named: field)?.type.isReference ?? false) {
                error(fieldNode.mark == nil ? node : fieldNode, "`references` names `\(field)`, which is not a field of `\(collection.name)` that names pages or items\(nearest(field, among: collection.fields.filter(\.type.isReference).map(\.name)))")
            }
            let earlier = collection.relations.map(\.name)
            for (other, otherNode) in except where !earlier.contains(other) {
                error(otherNode.mark == nil ? node : otherNode, "`except` names `\(other)`, which is not a relation declared before `\(name)`\(nearest(other, among: earlier))")
            }
            return .references(name: name, fields: references.map(\.0), exceptLinked: exceptLinked, except: except.map(\.0), location: at)
        }
        error(keyNode, "relation `\(name)` needs `during: COLLECTION` or `references: [FIELDS]`")
        return nil
    }

    /// What spans collections: names of collections in types, merges and relations; one folder each.
    private mutating func check(_ collections: [ContentCollection]) {
        let names = collections.map(\.name)
        for (typeName, node) in pendingTypes {
            var name = typeName
            while name.hasPrefix("list of ") { name = String(name.dropFirst("list of ".count)).trimmingCharacters(in: .whitespaces) }
            if FieldType.names.contains(name) || names.contains(name) { continue }
            error(node, "unknown type `\(typeName)`: a field is \(FieldType.names.joined(separator: ", ")), the name of a collection (\(names.joined(separator: ", "))), or `list of` one of these\(nearest(name, among: FieldType.names + names))")
        }
        for (type, diagnostic) in pendingMismatches {
            var element = type
            while case .list(let inner) = element { element = inner[0] }
            if case .item(let name) = element, !names.contains(name) { continue }
            diagnostics.append(diagnostic)
        }
        let citable = collections.filter(\.citable)
        for extra in citable.dropFirst() {
            diagnostics.append(.error(displayPath, line: extra.location.line, column: extra.location.column,
                                      "collections `\(citable[0].name)` and `\(extra.name)` are both `citable`; one collection holds the sources"))
        }
        var folders: [String: String] = [:]
        for collection in collections {
            if let other = folders.updateValue(collection.name, forKey: collection.folder) {
                diagnostics.append(.error(displayPath, line: collection.location.line, column: collection.location.column,
                                          "collections `\(other)` and `\(collection.name)` both have folder `\(collection.folder)`; a folder holds one collection"))
            }
            for merged in collection.merged where !names.contains(merged.collection) || merged.collection == collection.name {
                diagnostics.append(.error(displayPath, line: merged.location.line, column: merged.location.column,
                                          "`merge` names `\(merged.collection)`, which is not another collection\(nearest(merged.collection, among: names))"))
            }
            for relation in collection.relations {
                guard case .during(_, let other, _, let location) = relation else { continue }
                if let target = collections.first(where: { $0.name == other }) {
                    if !target.isDated {
                        diagnostics.append(.error(displayPath, line: location.line, column: location.column,
                                                  "`during: \(other)` needs `start:` in collection `\(other)`"))
                    }
                } else {
                    diagnostics.append(.error(displayPath, line: location.line, column: location.column,
                                              "`during` names `\(other)`, which is not a collection\(nearest(other, among: names))"))
                }
            }
        }
    }
}
