/// What other pages show of a document, or check their links against: when an edit leaves it as it was,
/// only the document's own page changes.
struct DocumentFace: Equatable {
    var kind: PageKind
    var title: String
    var navigationTitle: String?
    var draft: Bool
    var holderURL: String
    var anchors: Set<String>
    var chief: [String?]
    var eventDate: PartialDate?
    var related: [String]
    /// Where the dates and references are written: other files' diagnostics (a term that overlaps the
    /// previous one) point there.
    var locations: [SourceLocation]

    /// Whether the two differ at most in the title, the navigation title and the anchors.
    func sameBut(titlesAndAnchorsOf other: DocumentFace) -> Bool {
        var other = other
        other.title = title
        other.navigationTitle = navigationTitle
        other.anchors = anchors
        return self == other
    }

    init(_ document: Document) {
        kind = document.kind
        title = document.title
        navigationTitle = document.navigationTitle
        draft = document.draft
        holderURL = document.holderURL
        anchors = document.anchors
        if let fields = document.ambassador {
            chief = [fields.name, fields.title, fields.appointed?.description, fields.credentials?.description,
                     fields.left?.description, fields.appointedBy, fields.appointedByInferred ? "inferred" : nil]
        } else {
            chief = []
        }
        eventDate = document.event?.date
        related = (document.event?.related.map(\.path) ?? []) + (document.event?.aliases.map { "#" + $0.id } ?? [])
        locations = (document.ambassador?.locations.sorted { $0.key < $1.key }.map(\.value) ?? [])
            + (document.event?.related.map(\.location) ?? []) + (document.event?.aliases.map(\.location) ?? [])
    }

    /// The face as a short text that is the same in every process and on every machine (Swift's `Hasher`
    /// is seeded anew in each): what the record of a build keeps to tell, at the next build, whether an
    /// edited page still looks the same to the others. Every field is in it, each with its length, so that
    /// no two faces are made of the same bytes.
    var digest: String {
        var digest = StableDigest()
        digest.add(kind.rawValue)
        digest.add(title)
        digest.add(navigationTitle)
        digest.add(draft ? "draft" : "published")
        digest.add(holderURL)
        digest.add(anchors.count)
        for anchor in anchors.sorted() { digest.add(anchor) }
        digest.add(chief.count)
        for field in chief { digest.add(field) }
        digest.add(eventDate?.description)
        digest.add(related.count)
        for path in related { digest.add(path) }
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
    /// The pages that show `changed` documents, each of which other pages see as before (`DocumentFace`):
    /// an event is shown whole on the timeline, and by title and date on its chief's page; any other
    /// document only on its own page. Each page once, in path order.
    func pagesShowing(_ changed: [Document]) -> [Document] {
        var pages: [Document] = []
        var listsShown = false
        for document in changed where !document.draft {
            if document.kind == .event {
                listsShown = true
            } else if let page = page(at: document.path) {
                pages.append(page)
            }
        }
        if listsShown {
            pages += self.pages.filter { $0.kind == .timeline }
            pages += chiefs.map(\.document)
        }
        return Self.unique(pages)
    }

    /// Each page once, in path order.
    static func unique(_ pages: [Document]) -> [Document] {
        var seen = Set<String>()
        return pages.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
    }
}
