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
        let parts = path.split(separator: "/")
        switch (parts.count, parts.first.map(String.init)) {
        case (2, Self.ambassadorsFolder?): self = parts[1] == "index.md" ? .ambassadorIndex : .ambassador
        case (2, Self.timelineFolder?): self = parts[1] == "index.md" ? .timeline : .event
        default: self = .page
        }
    }

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
