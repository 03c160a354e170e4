/// What templates see of one document, from the page being rendered (`page`, an item of a list, the target of a
/// reference): its text, its declared fields with their types, and what the declarations relate to it. Worked
/// out when a template asks; `TemplateSchema.item` lists the same names for the check of templates' names.
final class ItemValues: TemplateObject, @unchecked Sendable {
    let document: Document
    /// The page being rendered: links are made relative to it, and what it reads of other documents' text is
    /// recorded there.
    let context: RenderContext
    /// Values this item has where it is shown: its row's anchor and date in a stream, `last` in a list.
    var extra: [String: TemplateValue]

    /// Every template value made of a document is made here: so a page's reads are recorded here.
    init(_ document: Document, context: RenderContext, extra: [String: TemplateValue] = [:]) {
        self.document = document
        self.context = context
        self.extra = extra
        context.read(document)
    }

    var renderer: SiteRenderer { context.renderer }
    /// The URL of the page being rendered.
    var from: String { context.url }

    private var site: Site { renderer.site }
    private var facts: ItemFacts? { site.items[document.path] }

    func value(named key: TemplateKey) -> TemplateValue? {
        if !extra.isEmpty, let value = extra[key.name] { return value }
        switch key.known {
        case .title?: return .text(document.title)
        // The document's text, read apart from the rest: a page that shows another's title (the navigation, a
        // breadcrumb, a list) is not rendered again when only that one's text changes.
        case .body?: context.readText(of: document); return .text(document.html)
        case .prose?: context.readText(of: document); return .text(String(document.prose))
        case .notes?: context.readText(of: document); return .text(String(document.notes))
        case .lede?: context.readText(of: document); return .text(String(document.lede))
        case .rest?: context.readText(of: document); return .text(String(document.rest))
        case .description?: return document.description.map { .text($0) }
        case .href?: return .text(renderer.href(of: document, from: from))
        case .id?: return .text(SitePath.fileStem(document.path))
        case .path?: return .text(document.path)
        case .collection?: return document.collection.map { .text($0) }
        case .fields?: return .object(FieldValues(item: self))
        case .start?: return renderer.date(facts?.start)
        case .end?: return renderer.date(facts?.end)
        case .number?: return facts?.number.map { .integer($0) }
        case .ordinal?: return facts?.number.map { .text(SiteRenderer.ordinal($0)) }
        case .previous?: return facts?.previous.flatMap { item(at: $0) }
        case .next?: return facts?.next.flatMap { item(at: $0) }
        case .has?: return .object(HasValues(item: self))
        case .listed?: return .object(ListedValues(item: self))
        case .linkedFrom?: return list(of: site.linkedFrom[document.path] ?? [])
        default:
            // `is.NAME`: a flag for the item's collection, so that a template shared by several shows each its way.
            if key.name == "is", let collection = document.collection, !document.isList { return .dictionary([collection: true]) }
            return relation(named: key.name)
        }
    }

    /// A relation or an inverse list by its declared name.
    func relation(named name: String) -> TemplateValue? {
        if let facts {
            if let match = facts.during[name] {
                return item(at: match.path, extra: match.afterRecord ? ["after_record": true] : [:])
            }
            if let paths = facts.lists[name] { return list(of: paths) }
        }
        if let paths = site.inverses[document.path]?[name] { return list(of: paths) }
        return nil
    }

    func item(at path: String, extra: [String: TemplateValue] = [:]) -> TemplateValue? {
        // Read even when there is none: a reference to a page that is not published shows once it is.
        context.read(path: path)
        return site.document(at: path).map { .object(ItemValues($0, context: context, extra: extra)) }
    }

    /// Published documents as items, the last one marked `last` (for commas between them).
    func list(of paths: [String]) -> TemplateValue {
        for path in paths { context.read(path: path) }
        let documents = paths.compactMap(site.document(at:))
        return .list(documents.enumerated().map { index, document in
            .object(ItemValues(document, context: context, extra: index == documents.count - 1 ? ["last": true] : [:]))
        })
    }

    /// Whether a list the item has (a relation, an inverse, a list field, `linked_from`) holds anything.
    func hasItems(_ name: String) -> Bool {
        if name == "linked_from" { return !(site.linkedFrom[document.path] ?? []).isEmpty }
        if case .list(let values)? = document.fields[name] { return !values.isEmpty }
        if case .list(let values)? = relation(named: name) { return !values.isEmpty }
        return false
    }
}

/// `page.fields.NAME`: a declared field with its type (a date as `text` and `iso`, a reference as the item).
final class FieldValues: TemplateObject, @unchecked Sendable {
    let item: ItemValues

    init(item: ItemValues) { self.item = item }

    func value(named key: TemplateKey) -> TemplateValue? {
        item.document.fields[key.name].flatMap(convert)
    }

    private func convert(_ value: FieldValue) -> TemplateValue? {
        switch value {
        case .text(let text): .text(text)
        case .html(_, let html): .text(html)
        case .date(let date): item.renderer.date(date)
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? .integer(Int(number)) : .decimal(number)
        case .flag(let flag): .flag(flag)
        case .reference(let path): item.item(at: path)
        case .list(let values):
            values.allSatisfy { if case .reference = $0 { true } else { false } }
                ? item.list(of: values.flatMap(\.references)) : .list(values.compactMap(convert))
        }
    }
}

/// `page.has.NAME`: whether a list of the item holds anything, for a heading or a wrapper shown only then.
final class HasValues: TemplateObject, @unchecked Sendable {
    let item: ItemValues
    init(item: ItemValues) { self.item = item }
    func value(named key: TemplateKey) -> TemplateValue? { .flag(item.hasItems(key.name)) }
}

/// `page.listed.COLLECTION`: the link to the item's row on that collection's folder page.
final class ListedValues: TemplateObject, @unchecked Sendable {
    let item: ItemValues
    init(item: ItemValues) { self.item = item }
    func value(named key: TemplateKey) -> TemplateValue? {
        item.context.read(collection: key.name)
        guard let collection = item.renderer.site.collections[key.name],
              let entry = collection.entries.first(where: { $0.path == item.document.path }) else { return nil }
        let url = SitePath.pageURL(forSource: collection.declaration.folder + "/index.md")
        return .text(SitePath.relative(from: item.from, to: url) + "#" + entry.id)
    }
}

/// `collections.NAME`, and `list` on a collection's folder page: the items in order, the stream of rows with
/// the merged collections', its groups, and counts.
final class ListValues: TemplateObject, @unchecked Sendable {
    let collection: ResolvedCollection
    let context: RenderContext

    /// Every template value made of a collection's list is made here: so a page's reads are recorded here.
    init(_ collection: ResolvedCollection, context: RenderContext) {
        self.collection = collection
        self.context = context
        context.read(collection: collection.name)
    }

    var renderer: SiteRenderer { context.renderer }
    var from: String { context.url }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .items?:
            return .list(collection.items.enumerated().map { index, document in
                .object(ItemValues(document, context: context, extra: index == collection.items.count - 1 ? ["last": true] : [:]))
            })
        case .entries?: return .list(collection.entries.map(entry))
        case .groups?:
            guard let grouping = collection.declaration.grouping else { return nil }
            return .list(StreamGroup.groups(of: collection.entries, by: grouping).map { group in
                ["id": .text(group.id), "label": .text(group.label), "entries": .list(group.entries.map(entry))]
            })
        case .count?: return .integer(collection.items.count)
        case .numbered?: return .integer(collection.numberedCount)
        case .latest?: return renderer.date(collection.latest)
        case .first?: return collection.items.first.map { .object(ItemValues($0, context: context)) }
        case .last?: return collection.items.last.map { .object(ItemValues($0, context: context)) }
        case .href?:
            return .text(SitePath.relative(from: from, to: SitePath.pageURL(forSource: collection.declaration.folder + "/index.md")))
        case .title?: return collection.listPage.map { .text($0.title) }
        default: return nil
        }
    }

    private func entry(_ entry: StreamEntry) -> TemplateValue {
        guard let document = renderer.site.document(at: entry.path) else { return .null }
        return .object(ItemValues(document, context: context, extra: [
            "id": .text(entry.id), "date": renderer.date(entry.date) ?? .null, "is": .dictionary([entry.collection: true]),
        ]))
    }
}

/// `collections`: every declared collection by name.
final class CollectionsValues: TemplateObject, @unchecked Sendable {
    let context: RenderContext
    init(context: RenderContext) { self.context = context }
    func value(named key: TemplateKey) -> TemplateValue? {
        // A collection that is not there now may be after an edit: its absence is read too.
        context.read(collection: key.name)
        return context.renderer.site.collections[key.name].map { .object(ListValues($0, context: context)) }
    }
}

/// The page being rendered, as the template objects it hands out see it: where links start from, and what its
/// templates read of the site. A template sees a document only through an `ItemValues` (its text through the
/// five values that hand it out, recorded apart) and a collection's
/// list only through a `ListValues` (or `ListedValues`), and each records its document or collection here when
/// it is made; `PageValues` records the documents it shows itself (the navigation's, the breadcrumbs', those of
/// the JSON-LD). Nothing else hands a template anything of another document, so the record is what the
/// templates read, whatever they are: a rebuild renders again exactly the pages that read a document or a
/// collection whose digest changed (`ReadDigests`, `RenderPlan`). Used by one rendering thread at a time.
final class RenderContext: @unchecked Sendable {
    let renderer: SiteRenderer
    let url: String
    /// The source path of the page being rendered; nil for the not-found page.
    let page: String?
    private(set) var reads = PageReads()

    init(renderer: SiteRenderer, url: String, page: String?) {
        self.renderer = renderer
        self.url = url
        self.page = page
    }

    func read(_ document: Document) { reads.documents.insert(document.path) }
    func readText(of document: Document) { reads.texts.insert(document.path) }
    func read(path: String) { reads.documents.insert(path) }
    func read(collection name: String) { reads.collections.insert(name) }
    func readPageAddresses() { reads.pageAddresses = true }
}

/// What one page's templates read when it was rendered: documents by path (its own among them) and
/// collections by name.
struct PageReads: Sendable, Equatable {
    /// Documents whose values but the text were read (`ReadDigests.documents`).
    var documents: Set<String> = []
    /// Documents whose text (their HTML) was read.
    var texts: Set<String> = []
    var collections: Set<String> = []
    /// Which addresses have a page (breadcrumbs look for a page at each address above this one).
    var pageAddresses = false
}

/// What changed since pages were rendered (`RenderPlan`): documents, texts and collections by name, and
/// whether the set of addresses did. Each set also made ready to be matched against a record's fields.
struct ChangedReads: Sendable {
    let documents: RecordedNames
    let texts: RecordedNames
    let collections: RecordedNames
    let addresses: Bool

    init(documents: Set<String> = [], texts: Set<String> = [], collections: Set<String> = [], addresses: Bool = false) {
        self.documents = RecordedNames(documents)
        self.texts = RecordedNames(texts)
        self.collections = RecordedNames(collections)
        self.addresses = addresses
    }
}

/// What the change planner asks of a page's reads: whether it read anything that changed.
protocol PageReadSet: Sendable {
    func readsAny(of changed: ChangedReads) -> Bool
}

extension PageReads: PageReadSet {
    func readsAny(of changed: ChangedReads) -> Bool {
        // The smaller set is walked: nearly always the changed one, of a few elements, against a page's dozens.
        func meet(_ a: Set<String>, _ b: Set<String>) -> Bool {
            a.count <= b.count ? a.contains(where: b.contains) : b.contains(where: a.contains)
        }
        return (changed.addresses && pageAddresses) || meet(changed.documents.names, documents) || meet(changed.texts.names, texts)
            || meet(changed.collections.names, collections)
    }
}
