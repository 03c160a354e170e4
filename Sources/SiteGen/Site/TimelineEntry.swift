/// One row of the timeline: an event, or a chief of mission taking charge (generated, not typed twice).
public struct TimelineEntry: Sendable {
    public enum Kind: Sendable { case event(Document), termStart(ChiefOfMission) }

    public var date: PartialDate
    public var kind: Kind
    /// The anchor of the row on the timeline page.
    public var id: String
    /// Source path, the last tie-breaker of the order.
    public var path: String

    public static func termAnchor(_ chief: ChiefOfMission) -> String {
        "term-" + SitePath.eventAnchor(forSource: chief.path)
    }

    /// Events and terms in chronological order; on the same date events come first, then by path.
    public static func entries(of site: Site) -> [TimelineEntry] {
        var entries = site.events.map {
            TimelineEntry(date: $0.event!.date, kind: .event($0), id: SitePath.eventAnchor(forSource: $0.path), path: $0.path)
        }
        for chief in site.chiefs {
            guard let start = chief.fields.start else { continue }
            entries.append(TimelineEntry(date: start, kind: .termStart(chief), id: termAnchor(chief), path: chief.path))
        }
        return entries.sorted { a, b in
            if a.date != b.date { return a.date < b.date }
            if a.isEvent != b.isEvent { return a.isEvent }
            return a.path < b.path
        }
    }

    public var isEvent: Bool { if case .event = kind { return true } else { return false } }

    public struct Decade: Sendable {
        public var id: String
        public var label: String
        public var entries: [TimelineEntry]
    }

    /// Entries grouped by decade, in order: `1960s`, `1970s`, …
    public static func decades(of entries: [TimelineEntry]) -> [Decade] {
        var decades: [Decade] = []
        for entry in entries {
            let start = entry.date.year / 10 * 10
            if decades.last?.label != "\(start)s" {
                decades.append(Decade(id: "decade-\(start)s", label: "\(start)s", entries: []))
            }
            decades[decades.count - 1].entries.append(entry)
        }
        return decades
    }
}
