import Foundation

/// The results of earlier checks, kept in a JSON file for a day, so that a check run again soon after asks the
/// network only about URLs it has not seen (or whose result has aged). What servers answered is kept, dead
/// statuses too (`--refresh` checks them all again); what never reached a server is not (`LinkCheckResult.isAnswer`).
/// A file that cannot be read counts as an empty cache.
public struct LinkCheckCache: Sendable {
    public struct Entry: Sendable, Codable, Hashable {
        /// When it was checked, in seconds since 1970.
        public var checked: Double
        public var result: LinkCheckResult
    }

    /// How long a result is trusted.
    public static let maximumAge: Double = 24 * 60 * 60
    /// The file's name, beside the content folder.
    public static let fileName = ".sitegen-external-cache.json"

    public private(set) var entries: [String: Entry] = [:]

    public init(entries: [String: Entry] = [:]) { self.entries = entries }

    private struct File: Codable {
        var version: Int
        var entries: [String: Entry]
    }

    public static func read(from path: String) -> LinkCheckCache {
        guard let data = FileManager.default.contents(atPath: path),
              let file = try? JSONDecoder().decode(File.self, from: data), file.version == 1 else { return LinkCheckCache() }
        return LinkCheckCache(entries: file.entries)
    }

    /// The result of `url` checked less than a day before `now`.
    public func result(for url: String, now: Date) -> LinkCheckResult? {
        guard let entry = entries[url], now.timeIntervalSince1970 - entry.checked < Self.maximumAge,
              entry.checked <= now.timeIntervalSince1970 else { return nil }
        return entry.result
    }

    public mutating func record(_ result: LinkCheckResult, for url: String, at now: Date) {
        entries[url] = Entry(checked: now.timeIntervalSince1970, result: result)
    }

    /// Writes the entries still fresh at `now` (other sites' that share the file among them), sorted, atomically.
    public func write(to path: String, now: Date) throws {
        let fresh = entries.filter { now.timeIntervalSince1970 - $0.value.checked < Self.maximumAge }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(File(version: 1, entries: fresh)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
