/// A folder of content whose items share typed fields, as the site declares it under `collections:` in
/// `content/site.yaml`: the engine knows no subject, the declarations name the folders, their fields and
/// the relations between their items (docs/content/collections.md describes the form).
public struct ContentCollection: Sendable {
    /// The name templates use: `collections.NAME`, `is.NAME`, a search result's kind.
    public var name: String
    /// The folder inside content/ whose Markdown files (but its index.md) are the items.
    public var folder: String
    public var fields: [FieldDeclaration]
    /// The field that titles an item (`title` unless declared).
    public var titleField: String = "title"
    /// False: items have no page of their own; each is shown on the folder's page, at the anchor of its
    /// file name (`#1960-09-24-relations`), and links to it land there.
    public var itemPages = true
    /// The layout of an item's page and of the folder's page (its index.md).
    public var layout: String?
    public var listLayout: String?
    /// Date fields an item starts at, the first one it has: what orders, groups and dates it.
    public var start: [String] = []
    /// The date field an item ends at; without one, an item lasts until the next item starts (`term`).
    public var end: String?
    /// Whether items last from their start to their end or the next item's start (an interval relation
    /// looks them up), rather than being one-day events.
    public var lastsUntilNext = false
    public var order: Order = .start
    /// Items matching this are numbered 1, 2, … in order (`number`, `ordinal`); others have no number.
    public var numbered: Condition?
    /// An Atom feed of the items at the folder page's URL + feed.xml (needs `base_url`).
    public var feed = false
    public var relations: [Relation] = []
    /// Other collections whose items are shown among this one's on the folder's page, in one dated stream.
    public var merged: [MergedCollection] = []
    /// How the folder's page groups its stream: `decade`, `year`, `month`, `letter`.
    public var grouping: Grouping?
    /// Its items are sources that pages cite by key (`[^@KEY]`, `SourceRegistry`); at most one collection is.
    public var citable = false
    /// Whether search finds its items (`search: false` leaves them out, e.g. the sources, which a reader finds
    /// through the pages citing them).
    public var searchable = true
    /// What JSON-LD says of each item (`StructuredData`).
    public var schema: SchemaTemplate?
    /// Every paragraph of its items must cite a source (`[^@KEY]`, or a note that does): one that does not is a
    /// warning at its line.
    public var requireCitations = false
    /// The folder's page lists its rows last first (newest first, for a dated collection); the order of the
    /// items themselves, their numbers and their neighbours stay as `order` says.
    public var descending = false
    /// Where each part is declared, for diagnostics about the declaration itself.
    public var location: SourceLocation

    public enum Order: Sendable, Equatable {
        case start, title, path
        case field(String)
    }

    public struct Condition: Sendable {
        public var field: String
        public enum Test: Sendable { case equals(String), startsWith(String), isSet }
        public var test: Test

        func holds(for item: Document) -> Bool {
            let value = item.fields[field] ?? (field == "title" ? .text(item.title) : nil)
            switch test {
            case .isSet:
                if case .flag(let flag)? = value { return flag }
                return value != nil
            case .equals(let text): return value?.plainText == text
            case .startsWith(let text): return value?.plainText?.hasPrefix(text) == true
            }
        }
    }

    public struct MergedCollection: Sendable {
        public var collection: String
        /// Put before the item's file name to make its anchor on this page (`term-` + name).
        public var anchorPrefix: String
        public var location: SourceLocation
    }

    public enum Grouping: Sendable, Equatable {
        case decade, year, month, letter
        /// By the value of a text field, groups in the order of their labels.
        case field(String)

        public static let named: [String: Grouping] = ["decade": .decade, "year": .year, "month": .month, "letter": .letter]
    }

    public var isDated: Bool { !start.isEmpty }

    public func field(named name: String) -> FieldDeclaration? { fields.first { $0.name == name } }
}

/// One declared front matter key of a collection's items.
public struct FieldDeclaration: Sendable {
    public var name: String
    public var type: FieldType
    public var required = false
    public var defaultValue: FieldValue?
    /// What `sitegen new` and error messages show as an example value.
    public var example: String?
    public var location: SourceLocation
    /// The name of a relation that lists, on each page this field names, the items that name it.
    public var inverse: String?
}

/// Not `indirect`, nor are the other recursive enums here: an array holds the nesting (an indirect case's box is
/// reached through a tagged pointer, which the leak check's valgrind cannot follow, and reports as lost).
public enum FieldType: Sendable, Equatable, CustomStringConvertible {
    case text, markdown, date, number, flag, url
    /// An id on the item's page, such as a former anchor (letters, digits, `-`, `_`).
    case anchor
    /// A page of the site, by its path in content/.
    case page
    /// An item of the named collection, by its path in content/.
    case item(String)
    /// A list of values of the one type the array holds.
    case list([FieldType])

    public static let names = ["text", "markdown", "date", "number", "flag", "url", "anchor", "page"]

    public var description: String {
        switch self {
        case .text: "text"
        case .markdown: "markdown"
        case .date: "date"
        case .number: "number"
        case .flag: "flag"
        case .url: "url"
        case .anchor: "anchor"
        case .page: "page"
        case .item(let collection): collection
        case .list(let element): "list of \(element[0])"
        }
    }

    var isReference: Bool {
        switch self {
        case .page, .item: true
        case .list(let element): element[0].isReference
        default: false
        }
    }
}

/// A front matter value read with its declared type.
public enum FieldValue: Sendable, Equatable, CustomStringConvertible {
    case text(String)
    /// Markdown rendered to HTML.
    case html(source: String, html: String)
    case date(PartialDate)
    case number(Double)
    case flag(Bool)
    /// A path inside content/ (a page or an item).
    case reference(String)
    case list([FieldValue])

    /// The value as written, for conditions and digests.
    public var plainText: String? {
        switch self {
        case .text(let text), .reference(let text): text
        case .html(let source, _): source
        case .date(let date): date.description
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .flag(let flag): flag ? "true" : "false"
        case .list: nil
        }
    }

    public var description: String {
        if case .list(let items) = self { return "[" + items.map(\.description).joined(separator: ", ") + "]" }
        return plainText ?? ""
    }

    public var date: PartialDate? {
        if case .date(let date) = self { return date }
        return nil
    }

    /// Whether it holds Markdown, rendered with the page's links.
    var hasMarkdown: Bool {
        switch self {
        case .html: true
        case .list(let items): items.contains(where: \.hasMarkdown)
        default: false
        }
    }

    /// The paths a reference or a list of references names.
    var references: [String] {
        switch self {
        case .reference(let path): [path]
        case .list(let items): items.flatMap(\.references)
        default: []
        }
    }
}

/// A relation between items, declared under a collection's `relations:`.
public enum Relation: Sendable {
    /// The item of `collection` whose span (from its start to its end, or to the next item's start)
    /// holds this item's start date; nil in a vacancy. `inverse` names, on each of those items, the list of
    /// items that fall in it.
    case during(name: String, collection: String, inverse: String?, location: SourceLocation)
    /// The pages these reference fields name, in order, without those the item's text links to and those
    /// the named relations give already: what an item "concerns" that it does not show elsewhere.
    case references(name: String, fields: [String], exceptLinked: Bool, except: [String], location: SourceLocation)

    public var name: String {
        switch self {
        case .during(let name, _, _, _), .references(let name, _, _, _, _): name
        }
    }
}

/// Every declared collection, and where a content path belongs.
public struct Collections: Sendable {
    public let all: [ContentCollection]
    private let byFolder: [String: Int]
    private let byName: [String: Int]

    public static let none = Collections([])

    public init(_ all: [ContentCollection]) {
        self.all = all
        byFolder = Dictionary(all.enumerated().map { ($1.folder, $0) }, uniquingKeysWith: { first, _ in first })
        byName = Dictionary(all.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(name: String) -> ContentCollection? { byName[name].map { all[$0] } }

    /// What a content file is: a plain page, an item of a collection, or a collection's folder page
    /// (`FOLDER/index.md` or `FOLDER/_index.md`). Only files directly in a collection's folder are its own.
    public func place(of path: String) -> Place {
        guard !all.isEmpty else { return .page }
        // Called for every page and link: compares bytes instead of splitting the path.
        let bytes = path.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
              !bytes[bytes.index(after: slash)...].contains(UInt8(ascii: "/")),
              let index = byFolder[String(path[..<slash])] else { return .page }
        let file = path[path.index(after: slash)...]
        return file == "index.md" || file == "_index.md" ? .list(all[index]) : .item(all[index])
    }

    public enum Place: Sendable {
        case page
        case item(ContentCollection)
        case list(ContentCollection)

        public var collection: ContentCollection? {
            switch self {
            case .page: nil
            case .item(let collection), .list(let collection): collection
            }
        }
    }

    /// The URL of the page that shows an item, and the anchor there when it has no page of its own.
    func holder(of path: String) -> (url: String, anchor: String?) {
        if case .item(let collection) = place(of: path), !collection.itemPages {
            return (SitePath.pageURL(forSource: collection.folder + "/index.md"), SitePath.fileStem(path))
        }
        return (SitePath.pageURL(forSource: path), nil)
    }
}
