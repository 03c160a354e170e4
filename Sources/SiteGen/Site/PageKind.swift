/// What a content file is, from where it sits in `content/`.
public enum PageKind: String, Sendable {
    /// Any page: `history.md`, `index.md`, `about.md`.
    case page
    /// `ambassadors/index.md`: the introduction above the generated ambassador index.
    case ambassadorIndex
    /// `ambassadors/NAME.md`: one chief of mission.
    case ambassador
    /// `timeline/index.md`: the introduction above the generated timeline.
    case timeline
    /// `timeline/NAME.md`: one dated event, shown on the timeline page.
    case event

    public static let ambassadorsFolder = "ambassadors"
    public static let timelineFolder = "timeline"

    public init(path: String) {
        // Called for every page and link: compares bytes instead of splitting the path.
        let bytes = path.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
              !bytes[bytes.index(after: slash)...].contains(UInt8(ascii: "/")) else {
            self = .page
            return
        }
        let folder = path[..<slash], file = path[path.index(after: slash)...]
        let isFolderPage = file == "index.md" || file == "_index.md"
        if folder == Self.ambassadorsFolder {
            self = isFolderPage ? .ambassadorIndex : .ambassador
        } else if folder == Self.timelineFolder {
            self = isFolderPage ? .timeline : .event
        } else {
            self = .page
        }
    }

    /// Ids that templates give every page of this kind, so links may point at them.
    public var templateAnchors: Set<String> {
        switch self {
        case .ambassador: return Self.ambassadorAnchors
        case .timeline: return Self.timelineAnchors
        case .ambassadorIndex: return Self.indexAnchors
        case .page, .event: return Self.pageAnchors
        }
    }

    private static let pageAnchors: Set<String> = ["main"]
    private static let ambassadorAnchors: Set<String> = ["main", "term", "events", "notes"]
    private static let timelineAnchors: Set<String> = ["main", "jump"]
    private static let indexAnchors: Set<String> = ["main", "index"]

    /// The template that renders this kind of page unless its front matter names another.
    public var defaultLayout: String {
        switch self {
        case .page, .event: return "page"
        case .ambassadorIndex: return "ambassadors"
        case .ambassador: return "ambassador"
        case .timeline: return "timeline"
        }
    }
}
