/// The resolved site: every page that will be written, and the relations computed between them.
public struct Site: Sendable {
    public var config: SiteConfig
    /// Pages that get their own output page, sorted by source path (events and drafts excluded).
    public private(set) var pages: [Document]
    /// The same pages by source path and by URL: every page's navigation and breadcrumbs look pages up.
    public private(set) var pagesByPath: [String: Document] = [:]
    public private(set) var pagesByURL: [String: Document] = [:]
    /// Chiefs of mission by source path.
    public private(set) var chiefsByPath: [String: ChiefOfMission]
    /// The chief of mission in office on each event's date, by the event's source path; computed once
    /// because the timeline and every ambassador page ask.
    public private(set) var chiefOfEvent: [String: ChiefOfMission]
    /// Chiefs of mission in order of service.
    public private(set) var chiefs: [ChiefOfMission]
    /// Events in chronological order, ties broken by source path.
    public private(set) var events: [Document]
    /// Files of `content/` copied as they are: (path inside content/, absolute path on disk).
    public var staticFiles: [(path: String, sourceFile: String)]
    /// The latest date the ambassadors' record mentions: "as recorded to" on the home page.
    public var recordEnd: PartialDate?

    public init(config: SiteConfig, pages: [Document], chiefs: [ChiefOfMission], events: [Document],
                staticFiles: [(path: String, sourceFile: String)], recordEnd: PartialDate?) {
        self.config = config
        self.pages = pages
        self.chiefs = chiefs
        self.events = events
        self.staticFiles = staticFiles
        self.recordEnd = recordEnd
        self.chiefsByPath = Dictionary(chiefs.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var chiefOfEvent: [String: ChiefOfMission] = [:]
        for event in events {
            if let date = event.event?.date, let chief = Self.chief(in: chiefs, on: date) { chiefOfEvent[event.path] = chief }
        }
        self.chiefOfEvent = chiefOfEvent
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

    /// Puts new versions of some documents in place of the old ones, which other pages see the same way
    /// (`DocumentFace`: same kind, title, dates, URL and anchors), so every relation stays as it was. In place,
    /// touching only those documents' entries: a preview server does this after each save of a large site.
    mutating func replace(_ documents: [String: Document]) {
        for (path, document) in documents {
            if document.kind == .event {
                if let index = events.firstIndex(where: { $0.path == path }) { events[index] = document }
                continue
            }
            guard let old = pagesByPath[path] else { continue }
            if let index = pages.firstIndex(where: { $0 === old }) { pages[index] = document }
            pagesByPath[path] = document
            if pagesByURL[document.holderURL] === old { pagesByURL[document.holderURL] = document }
            if document.kind == .ambassador, let index = chiefs.firstIndex(where: { $0.path == path }) {
                chiefs[index].document = document
                chiefsByPath[path] = chiefs[index]
                for (event, chief) in chiefOfEvent where chief.path == path { chiefOfEvent[event] = chiefs[index] }
            }
        }
    }

    /// The chief of mission in office on `date`, or nil in a vacancy. A term runs from the chief's start
    /// to the day they left when that is known, and ends at the latest when the successor takes charge: a
    /// chief whose departure is not recorded is not in office for ever. A date known only to the month or
    /// year is looked up at its first day, then its last. `chiefs` are in order of service.
    static func chief(in chiefs: [ChiefOfMission], on date: PartialDate) -> ChiefOfMission? {
        for day in [date.earliest, date.latest] {
            let candidates = chiefs.indices.filter { index in
                let chief = chiefs[index]
                guard let start = chief.fields.start, start.earliest <= day else { return false }
                if let left = chief.fields.left, day > left.latest { return false }
                if index + 1 < chiefs.count, let next = chiefs[index + 1].fields.start, day >= next.earliest { return false }
                return true
            }
            if let index = candidates.last { return chiefs[index] }
        }
        return nil
    }
}

/// One chief of mission with what is computed from the others.
public struct ChiefOfMission: Sendable {
    public var document: Document
    public var fields: AmbassadorFields
    /// 1 for the first ambassador; nil for chargés d'affaires.
    public var number: Int?
    public var predecessorPath: String?
    public var successorPath: String?
    /// `left`, or when not recorded, the successor's start.
    public var end: PartialDate?
    public var endIsSuccessorStart: Bool

    public var path: String { document.path }
}
