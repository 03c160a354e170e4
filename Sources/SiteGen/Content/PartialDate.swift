/// A calendar date known to the year, the month or the day, with no time zone.
///
/// Dates in this site are never instants: `1960-09-24` is that day wherever the reader is.
public struct PartialDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int?
    public let day: Int?

    public init?(year: Int, month: Int? = nil, day: Int? = nil) {
        guard (1...9999).contains(year) else { return nil }
        if let month, !(1...12).contains(month) { return nil }
        if let day {
            guard let month, (1...PartialDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    public enum ParseError: Error, Equatable {
        case format, impossible
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public static func parse(_ text: String) -> Result<PartialDate, ParseError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let widths = [4, 2, 2]
        guard (1...3).contains(parts.count),
              zip(parts, widths).allSatisfy({ $0.count == $1 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return .failure(.format) }
        let numbers = parts.map { Int($0)! }
        guard let date = PartialDate(year: numbers[0], month: numbers.count > 1 ? numbers[1] : nil,
                                     day: numbers.count > 2 ? numbers[2] : nil)
        else { return .failure(.impossible) }
        return .success(date)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public enum Precision: Int, Sendable { case year, month, day }
    public var precision: Precision { day != nil ? .day : month != nil ? .month : .year }

    /// ISO 8601 at its own precision: `2007`, `2012-03`, `1960-09-24`.
    public var description: String {
        var text = String(format4: year)
        if let month { text += "-" + String(twoDigits: month) }
        if let day { text += "-" + String(twoDigits: day) }
        return text
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// For readers: "24 September 1960", "March 2012", "2007".
    public var displayText: String {
        switch (month, day) {
        case let (month?, day?): return "\(day) \(Self.monthNames[month - 1]) \(year)"
        case let (month?, nil): return "\(Self.monthNames[month - 1]) \(year)"
        default: return "\(year)"
        }
    }

    /// The first and last day this date may stand for, as comparable (year, month, day) keys.
    public var earliest: Int { year * 10000 + (month ?? 1) * 100 + (day ?? 1) }
    public var latest: Int {
        let lastMonth = month ?? 12
        return year * 10000 + lastMonth * 100 + (day ?? PartialDate.daysIn(month: lastMonth, year: year))
    }

    /// Chronological; a less precise date sorts before the more precise ones it contains
    /// (`2012` before `2012-03` before `2012-03-22`).
    public static func < (a: PartialDate, b: PartialDate) -> Bool {
        if a.earliest != b.earliest { return a.earliest < b.earliest }
        return a.precision.rawValue < b.precision.rawValue
    }
}

extension String {
    init(twoDigits value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
    init(format4 value: Int) {
        let digits = String(value)
        let padding = Swift.max(0, 4 - digits.utf8.count)
        self = String(repeating: "0", count: padding) + digits
    }
}
