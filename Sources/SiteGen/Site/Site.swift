/// The resolved site: every page that will be written, and the relations computed between them.
public struct Site: Sendable {
    public var config: SiteConfig
    /// Pages that get their own output page, sorted by source path (items without a page and drafts excluded).
    public private(set) var pages: [Document]
    /// The same pages by source path and by URL: every page's navigation and breadcrumbs look pages up.
    public private(set) var pagesByPath: [String: Document] = [:]
    public private(set) var pagesByURL: [String: Document] = [:]
    /// Each collection's published items, in the collection's order, with what is computed from the others.
    public private(set) var collections: [String: ResolvedCollection]
    /// What is computed for each item, by source path.
    public private(set) var items: [String: ItemFacts]
    /// Lists each page has of the items that name it in a field with `inverse:`, by page path, then by the
    /// inverse's name: paths in the naming collection's order.
    public private(set) var inverses: [String: [String: [String]]]
    /// The documents whose text links to each document, by path, each once, in path order.
    public private(set) var linkedFrom: [String: [String]]
    /// Files of `content/` copied as they are: (path inside content/, absolute path on disk).
    public var staticFiles: [(path: String, sourceFile: String)]

    init(config: SiteConfig, pages: [Document], collections: [String: ResolvedCollection], items: [String: ItemFacts],
         inverses: [String: [String: [String]]], linkedFrom: [String: [String]], staticFiles: [(path: String, sourceFile: String)]) {
        self.config = config
        self.pages = pages
        self.collections = collections
        self.items = items
        self.inverses = inverses
        self.linkedFrom = linkedFrom
        self.staticFiles = staticFiles
        index()
    }

    private mutating func index() {
        var byPath = [String: Document](minimumCapacity: pages.count), byURL = [String: Document](minimumCapacity: pages.count)
        // Last to first, so that the first of pages sharing a URL (an error reported by resolve) is kept,
        // with one hash of each key instead of a lookup and then an insertion.
        for page in pages.reversed() {
            byPath[page.path] = page
            byURL[page.holderURL] = page
        }
        pagesByPath = byPath
        pagesByURL = byURL
    }

    public func page(at path: String) -> Document? { pagesByPath[path] }

    /// A published document, page or item, by path.
    public func document(at path: String) -> Document? { pagesByPath[path] ?? items[path]?.document }

    /// The declared collections, in the order of the declarations.
    public var declared: [ContentCollection] { config.collections.all }

    /// Puts new versions of some documents in place of the old ones, which other pages see the same way
    /// (`Document.sameButText`), so every relation stays as it was.
    /// In place, touching only those documents' entries: a preview server does this after each save of a
    /// large site.
    mutating func replace(_ documents: [String: Document]) {
        for (path, document) in documents {
            if var facts = items[path] {
                facts.document = document
                items[path] = facts
                if let position = collections[facts.collection]?.items.firstIndex(where: { $0.path == path }) {
                    collections[facts.collection]!.items[position] = document
                }
            }
            guard let old = pagesByPath[path] else { continue }
            if let index = pages.firstIndex(where: { $0 === old }) { pages[index] = document }
            pagesByPath[path] = document
            if pagesByURL[document.holderURL] === old { pagesByURL[document.holderURL] = document }
        }
    }
}

/// A collection's published items in order, and what its folder's page shows.
public struct ResolvedCollection: Sendable {
    public var declaration: ContentCollection
    public var items: [Document]
    /// The items and those of merged collections in one dated stream, as the folder's page shows them.
    public var entries: [StreamEntry]
    /// The latest date any item's fields hold: "the record ends on".
    public var latest: PartialDate?
    /// How many items have a number.
    public var numberedCount: Int
    /// The folder's page (`FOLDER/index.md`), if published.
    public var listPage: Document?

    public var name: String { declaration.name }
}

/// One row of a collection's folder page: an item, its own or a merged collection's, at its date.
public struct StreamEntry: Sendable {
    public var path: String
    public var collection: String
    /// The anchor of the row: the file name, with the merged collection's prefix.
    public var id: String
    public var date: PartialDate?
    /// The item's title, for grouping by first letter.
    public var title: String
    /// The value of the field the folder page groups by, when it groups by a field.
    public var groupLabel: String?
}

/// What is computed for one item from the others.
public struct ItemFacts: Sendable {
    public var document: Document
    public var collection: String
    /// Its place in the collection's order, from 0.
    public var position: Int
    /// The first of its collection's `start` fields that it has.
    public var start: PartialDate?
    /// Its `end` field, or when it has none and its collection's items last until the next, the next one's start.
    public var end: PartialDate?
    /// Whether `end` is the next item's start (its own end is not recorded).
    public var endIsNextStart = false
    public var number: Int?
    public var previous: String?
    public var next: String?
    /// `during` relations: the item in whose span this one falls (nil in a vacancy), and whether that item's
    /// span is open and this date after the last date on record of its collection.
    public var during: [String: (path: String, afterRecord: Bool)] = [:]
    /// `references` relations and `during` inverses: paths, in order.
    public var lists: [String: [String]] = [:]

    public var path: String { document.path }
}

extension Site {
    /// The item of `collection` whose span holds `date`, or nil in a vacancy. A span runs from the item's start
    /// to its end when that is known, and, in a collection whose items last until the next, at the latest to
    /// when the next one starts: an item whose end is not recorded does not last for ever. A date known only to
    /// the month or year is looked up at its first day, then its last. `items` are in the collection's order.
    static func item(of collection: ContentCollection, in items: [ItemFacts], on date: PartialDate) -> ItemFacts? {
        for day in [date.earliest, date.latest] {
            let candidates = items.indices.filter { index in
                let item = items[index]
                guard let start = item.start, start.earliest <= day else { return false }
                let ownEnd = collection.end.flatMap { item.document.fields[$0]?.date }
                if let ownEnd, day > ownEnd.latest { return false }
                if collection.lastsUntilNext {
                    if index + 1 < items.count, let next = items[index + 1].start, day >= next.earliest { return false }
                } else if ownEnd == nil, day > start.latest {
                    return false
                }
                return true
            }
            if let index = candidates.last { return items[index] }
        }
        return nil
    }
}
