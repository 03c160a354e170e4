/// What other pages show of a document, or check their links against: when an edit leaves it as it was,
/// only the document's own page changes.
struct DocumentFace: Equatable {
    var collection: String?
    var isList: Bool
    var title: String
    var navigationTitle: String?
    var draft: Bool
    var holderURL: String
    var anchors: Set<String>
    /// Every declared field, as written, by name in order: lists, relations and other pages show them.
    var fields: [String]
    /// Where the fields are written: other files' diagnostics (a span that overlaps the previous one) point there.
    var locations: [SourceLocation]
    /// The documents its text links to: "what links here" on each of them lists it.
    var links: [String]
    /// The sources it cites: the sources page lists it under each.
    var citations: [String]

    /// Whether the two differ at most in the title, the navigation title, the anchors and the links.
    func sameBut(titlesAnchorsAndLinksOf other: DocumentFace) -> Bool {
        var other = other
        other.title = title
        other.navigationTitle = navigationTitle
        other.anchors = anchors
        other.links = links
        return self == other
    }

    init(_ document: Document) {
        collection = document.collection
        isList = document.isList
        title = document.title
        navigationTitle = document.navigationTitle
        draft = document.draft
        holderURL = document.holderURL
        anchors = document.anchors
        fields = document.fields.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value.description }
        locations = document.fieldLocations.sorted { $0.key < $1.key }.map(\.value)
        var seen: Set<String> = []
        links = document.internalLinks.compactMap { link in
            if case .content(let path, _) = link.target, seen.insert(path).inserted { return path }
            return nil
        }.sorted()
        citations = document.citations
    }

    /// The face as a short text that is the same in every process and on every machine (Swift's `Hasher`
    /// is seeded anew in each): what the record of a build keeps to tell, at the next build, whether an
    /// edited page still looks the same to the others. Every field is in it, each with its length, so that
    /// no two faces are made of the same bytes.
    var digest: String {
        var digest = StableDigest()
        digest.add(collection)
        digest.add(isList ? "list" : "page")
        digest.add(title)
        digest.add(navigationTitle)
        digest.add(draft ? "draft" : "published")
        digest.add(holderURL)
        digest.add(anchors.count)
        for anchor in anchors.sorted() { digest.add(anchor) }
        digest.add(fields.count)
        for field in fields { digest.add(field) }
        digest.add(links.count)
        for path in links { digest.add(path) }
        digest.add(citations.count)
        for key in citations { digest.add(key) }
        digest.add(locations.count)
        for location in locations {
            digest.add(location.line)
            digest.add(location.column)
        }
        return digest.hex
    }
}

/// FNV-1a over 128 bits: a digest that is stable across processes, for telling an edited value from the one
/// recorded before (not for anything an adversary chooses: it is not a cryptographic hash).
struct StableDigest {
    // The FNV-1a 128-bit offset basis and prime, as two 64-bit halves.
    private var high: UInt64 = 0x6C62_272E_07BB_0142
    private var low: UInt64 = 0x62B8_2175_6295_C58D

    /// A text with its length before it, so that no two sequences of texts give the same bytes; nil as -1.
    mutating func add(_ text: String?) {
        guard let text else { return add(-1) }
        add(text.utf8.count)
        add(bytes: text.utf8)
    }

    mutating func add(_ number: Int) {
        withUnsafeBytes(of: Int64(number).littleEndian) { add(bytes: $0) }
    }

    mutating func add(bytes: some Sequence<UInt8>) {
        for byte in bytes { add(byte: byte) }
    }

    private mutating func add(byte: UInt8) {
        low ^= UInt64(byte)
        // Multiplication by the prime 2^88 + 0x13B modulo 2^128, on the halves.
        let product = low.multipliedFullWidth(by: 0x13B)
        high = high &* 0x13B &+ product.high &+ (low << 24)
        low = product.low
    }

    /// The 128 bits as 32 hexadecimal digits, as FNV's test vectors write them.
    var hex: String {
        func digits(_ half: UInt64) -> String {
            let text = String(half, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return digits(high) + digits(low)
    }
}

extension Site {
    /// The pages that show `changed` documents, each of which other pages see as before (`DocumentFace`): its
    /// own page, and the pages whose templates read its text when they were last rendered (`readers`, made of
    /// what `RenderContext` recorded: the text is all that differs, and a page shows another's text only by
    /// reading it). Each page once, in path order.
    func pagesShowing(_ changed: [Document], readers: [String: Set<String>]) -> [Document] {
        var pages: [Document] = []
        for document in changed where !document.draft {
            if let page = page(at: document.path) { pages.append(page) }
            pages += (readers[document.path] ?? []).sorted().compactMap(page(at:))
        }
        return Self.unique(pages)
    }

    /// The pages that show items of a collection beside their own: its folder page, the folder pages that
    /// merge it, and the pages of the items of collections related to it (by a `during` relation either
    /// way, or a field that names its items).
    func pagesShowing(collection name: String) -> [Document] {
        var pages: [Document] = []
        for collection in declared {
            let lists = collection.name == name || collection.merged.contains { $0.collection == name }
            if lists, let list = collections[collection.name]?.listPage { pages.append(list) }
            if collection.name != name, related(collection.name, name) || related(name, collection.name) {
                pages += (collections[collection.name]?.items ?? []).filter(\.hasOwnPage)
            }
        }
        return pages
    }

    /// Whether collection `a` declares a `during` relation to `b`, or a field naming `b`'s items.
    private func related(_ a: String, _ b: String) -> Bool {
        guard let collection = config.collections[a] else { return false }
        return collection.relations.contains { if case .during(_, let other, _, _) = $0 { other == b } else { false } }
            || collection.fields.contains { $0.type == .item(b) || $0.type == .list([.item(b)]) }
    }

    /// Each page once, in path order.
    static func unique(_ pages: [Document]) -> [Document] {
        var seen = Set<String>()
        return pages.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
    }
}
