/// One problem found in the site, reported as `path:line:column: severity: message`.
public struct Diagnostic: Sendable, Hashable, Comparable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    /// Path relative to the site root, as the editor opens it.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    /// Whether `line` and `column` point into text the site has read, so that the printer may show that line.
    /// A problem with a file or folder as a whole (a symbolic link refused, an output path that is a file, a
    /// file that cannot be read) points into nothing: the printer would read the path again to quote it, and
    /// the path may lead to a file the site must not read, whose first line would end up in a CI log.
    public var pointsIntoText: Bool

    /// Without a line, the diagnostic is about the file or folder as a whole (shown as `path:1:1:`, with no
    /// source line); with one, it points into the file's text.
    public init(_ severity: Severity, _ path: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.severity = severity
        self.path = path
        self.line = max(line ?? 1, 1)
        self.column = max(column ?? 1, 1)
        self.message = message
        pointsIntoText = line != nil
    }

    public static func error(_ path: String, line: Int? = nil, column: Int? = nil, _ message: String) -> Diagnostic {
        Diagnostic(.error, path, line: line, column: column, message)
    }

    public static func warning(_ path: String, line: Int? = nil, column: Int? = nil, _ message: String) -> Diagnostic {
        Diagnostic(.warning, path, line: line, column: column, message)
    }

    /// The compiler-style first line.
    public var description: String { "\(path):\(line):\(column): \(severity.rawValue): \(message)" }

    /// Sorted by path, then line and column, so reports read top to bottom like the files.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.path, a.line, a.column, a.message, a.severity.rawValue) < (b.path, b.line, b.column, b.message, b.severity.rawValue)
    }
}

/// The diagnostics of one run, collected from every phase.
public struct DiagnosticList: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}
    public init(_ items: [Diagnostic]) { self.items = items }

    public mutating func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }
    public mutating func append(contentsOf other: some Sequence<Diagnostic>) { items.append(contentsOf: other) }
    public mutating func error(_ path: String, _ location: SourceLocation, _ message: String) {
        items.append(.error(path, line: location.line, column: location.column, message))
    }
    public mutating func warning(_ path: String, _ location: SourceLocation, _ message: String) {
        items.append(.warning(path, line: location.line, column: location.column, message))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    /// In file order, each once (phases on several threads may find the same problem). Sorting first puts
    /// equal diagnostics side by side, cheaper than hashing every message when a build has thousands.
    public var sorted: [Diagnostic] {
        var unique: [Diagnostic] = []
        unique.reserveCapacity(items.count)
        for diagnostic in items.sorted() where diagnostic != unique.last { unique.append(diagnostic) }
        return unique
    }
}

extension Array where Element == Diagnostic {
    /// Removes one occurrence of each of `others` (a diagnostic repeated is removed as often as `others` has it).
    mutating func removeOnce(_ others: [Diagnostic]) {
        for other in others {
            if let index = firstIndex(of: other) { remove(at: index) }
        }
    }
}
