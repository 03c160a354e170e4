import Foundation

import Yams

/// A Markdown file split into its YAML front matter and its Markdown body.
public struct FrontMatterSplit: Sendable {
    /// The YAML text between the `---` lines.
    public var yaml: String
    /// Line of the file on which the YAML starts (the line after the opening `---`).
    public var yamlFirstLine: Int
    public var body: String
    /// Lines of the file before the body, added to Markdown line numbers.
    public var bodyLineOffset: Int

    /// Splits at the first line that is exactly `---` after the opening one; a `---` inside a line
    /// or later in the body never ends the front matter.
    public static func split(_ source: SourceFile) -> Result<FrontMatterSplit, Diagnostic> {
        let text = source.text
        guard text.hasPrefix("---\n") || text == "---" else {
            return .failure(.error(source.displayPath, line: 1, "missing front matter: the file must start with a `---` line, then YAML such as `title: …`, then `---`"))
        }
        // On UTF-8 indices: walking Characters would find grapheme boundaries in every line.
        let utf8 = text.utf8
        var lineNumber = 1
        var lineStart = utf8.index(utf8.startIndex, offsetBy: 4, limitedBy: utf8.endIndex) ?? utf8.endIndex
        let yamlStart = lineStart
        while lineStart < utf8.endIndex {
            lineNumber += 1
            let lineEnd = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let line = utf8[lineStart..<lineEnd]
            if line.elementsEqual("---".utf8) || line.elementsEqual("...".utf8) {
                let bodyStart = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
                return .success(FrontMatterSplit(
                    yaml: String(text[yamlStart..<lineStart]), yamlFirstLine: 2,
                    body: String(text[bodyStart...]), bodyLineOffset: lineNumber))
            }
            lineStart = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
        }
        return .failure(.error(source.displayPath, line: 1, "front matter opened here is never closed: add a line `---` after the last key"))
    }
}

/// The keys of one file's front matter, read with types and locations, reporting every problem.
public struct FrontMatter {
    /// One `key: value` with where both start in the content file.
    struct Pair {
        var key: String
        var value: Node
        var keyLocation: SourceLocation
        var valueLocation: SourceLocation
        /// Where each item of a list value starts (FlatYAML's nodes carry no marks, so both readers say here).
        var itemLocations: [SourceLocation] = []
    }

    public let source: SourceFile
    private let pairs: [Pair]
    /// Keys asked for, present or not; an array: a page asks for a handful.
    private var used: [String] = []
    /// Keys read only to be refused (`slug`, `url`…): known, but never suggested for a misspelt key.
    private var refused: [String] = []
    public private(set) var diagnostics: [Diagnostic] = []

    private init(source: SourceFile, pairs: [Pair]) {
        self.source = source
        self.pairs = pairs
    }

    /// Parses the YAML; on a syntax error the diagnostic points into the content file.
    public static func parse(_ split: FrontMatterSplit, of source: SourceFile) -> Result<FrontMatter, Diagnostic> {
        parse(split, of: source, flatReader: true)
    }

    static func parse(_ split: FrontMatterSplit, of source: SourceFile, flatReader: Bool) -> Result<FrontMatter, Diagnostic> {
        if flatReader, let pairs = FlatYAML.pairs(split.yaml, firstLine: split.yamlFirstLine) {
            return .success(FrontMatter(source: source, pairs: pairs))
        }
        let root: Node?
        do {
            // An explicit encoding: the default one reads the environment on every call.
            root = try Yams.compose(yaml: split.yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            return .failure(yamlDiagnostic(error, split: split, source: source))
        } catch {
            return .failure(.error(source.displayPath, line: split.yamlFirstLine, "front matter cannot be read: \(error)"))
        }
        guard let root else { return .success(FrontMatter(source: source, pairs: [])) }
        guard case .mapping(let mapping) = root else {
            let mark = root.mark
            return .failure(.error(source.displayPath, line: (mark?.line ?? 1) + split.yamlFirstLine - 1, column: mark?.column ?? 1,
                                   "front matter must be `key: value` lines, not a single value or a list"))
        }
        var pairs: [Pair] = []
        var seen: Set<String> = []
        var duplicate: Diagnostic?
        for (key, value) in mapping {
            let location = SourceLocation(line: (key.mark?.line ?? 1) + split.yamlFirstLine - 1, column: key.mark?.column ?? 1)
            let name = key.scalar?.string ?? "\(key)"
            if !seen.insert(name).inserted, duplicate == nil {
                duplicate = .error(source.displayPath, line: location.line, column: location.column, "key `\(name)` appears twice")
            }
            func place(_ node: Node) -> SourceLocation {
                node.mark.map { SourceLocation(line: $0.line + split.yamlFirstLine - 1, column: $0.column) } ?? location
            }
            pairs.append(Pair(key: name, value: value, keyLocation: location, valueLocation: place(value),
                              itemLocations: value.sequence?.map(place) ?? []))
        }
        if let duplicate { return .failure(duplicate) }
        return .success(FrontMatter(source: source, pairs: pairs))
    }

    private static func yamlDiagnostic(_ error: YamlError, split: FrontMatterSplit, source: SourceFile) -> Diagnostic {
        let offset = split.yamlFirstLine - 1
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { " (\($0.text))" } ?? ""
            return .error(source.displayPath, line: mark.line + offset, column: mark.column,
                          "invalid YAML in front matter: \(problem)\(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return .error(source.displayPath, line: context.mark.line + offset, column: context.mark.column,
                          "key \(keys) appears more than once in the front matter; keep one")
        case let .reader(problem, _, _, _):
            return .error(source.displayPath, line: split.yamlFirstLine, "invalid YAML in front matter: \(problem)")
        default:
            return .error(source.displayPath, line: split.yamlFirstLine, "invalid YAML in front matter: \(error)")
        }
    }

    private mutating func markUsed(_ key: String) {
        if !used.contains(key) { used.append(key) }
    }

    private func pair(_ key: String) -> Pair? {
        pairs.first { $0.key == key }
    }

    public func location(of key: String) -> SourceLocation {
        pair(key)?.keyLocation ?? SourceLocation(line: 1, column: 1)
    }

    /// Where the value of `key` starts (the key itself when the value has no position).
    public func valueLocation(of key: String) -> SourceLocation {
        pair(key)?.valueLocation ?? SourceLocation(line: 1, column: 1)
    }

    private mutating func fail(_ key: String, _ message: String) {
        let location = valueLocation(of: key)
        diagnostics.append(.error(source.displayPath, line: location.line, column: location.column, message))
    }

    public mutating func reportError(at location: SourceLocation, _ message: String) {
        diagnostics.append(.error(source.displayPath, line: location.line, column: location.column, message))
    }

    private mutating func missing(_ key: String, _ example: String) {
        diagnostics.append(.error(source.displayPath, line: 1, column: 1, "missing required key `\(key)` in front matter (for example `\(key): \(example)`)"))
    }

    private func isNull(_ node: Node) -> Bool {
        // The cheap tests first: comparing tags is the costly part.
        if case .scalar(let scalar) = node, scalar.style == .plain,
           scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" || scalar.string == "Null" || scalar.string == "NULL" {
            return scalar.tag == .implicit
        }
        return false
    }

    /// A text value; numbers and dates are taken as written.
    public mutating func string(_ key: String, required example: String? = nil) -> String? {
        markUsed(key)
        guard let value = pair(key)?.value else {
            if let example { missing(key, example) }
            return nil
        }
        guard !isNull(value) else {
            if let example { reportError(at: location(of: key), "`\(key)` has no value (for example `\(key): \(example)`)") }
            return nil
        }
        guard case .scalar(let scalar) = value else {
            fail(key, "`\(key)` must be text, not a list or mapping")
            return nil
        }
        // Foundation's whitespace set (tab and Unicode space separators), without building the set
        // each time: this stops at the first character that is not a space, nearly always the first.
        if scalar.string.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }), let example {
            fail(key, "`\(key)` is empty (for example `\(key): \(example)`)")
            return nil
        }
        return withoutForbiddenCharacters(scalar.string, at: valueLocation(of: key))
    }

    /// `text` with the characters no page or feed may hold replaced (`ForbiddenCharacters`), and a warning
    /// at `location`: the source was checked as it was read, but a quoted YAML value can still spell one
    /// with an escape (`"\u0001"`).
    private mutating func withoutForbiddenCharacters(_ text: String, at location: SourceLocation) -> String {
        guard let (replaced, _) = ForbiddenCharacters.replaced(in: text) else { return text }
        diagnostics.append(contentsOf: ForbiddenCharacters.warnings([location], path: source.displayPath))
        return replaced
    }

    public mutating func bool(_ key: String) -> Bool? {
        markUsed(key)
        guard let value = pair(key)?.value, !isNull(value) else { return nil }
        guard let flag = value.bool, case .scalar = value else {
            fail(key, "`\(key)` must be true or false")
            return nil
        }
        return flag
    }

    public mutating func date(_ key: String, required: Bool = false) -> PartialDate? {
        guard let text = string(key, required: required ? "2026-01-31" : nil) else { return nil }
        switch PartialDate.parse(text) {
        case .success(let date): return date
        case .failure(.impossible):
            fail(key, "`\(key)` is not a real date: \(text)")
        case .failure(.format):
            fail(key, "`\(key)` must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not \(text)")
        }
        return nil
    }

    /// A list of texts; a single text counts as a list of one.
    public mutating func stringList(_ key: String) -> [(String, SourceLocation)] {
        markUsed(key)
        guard let found = pair(key), !isNull(found.value) else { return [] }
        let location = found.keyLocation
        switch found.value {
        case .scalar(let scalar):
            return [(withoutForbiddenCharacters(scalar.string, at: found.valueLocation), location)]
        case .sequence(let sequence):
            var items: [(String, SourceLocation)] = []
            for (index, item) in sequence.enumerated() {
                guard case .scalar(let scalar) = item else {
                    fail(key, "`\(key)` must be a list of texts")
                    return []
                }
                let itemLocation = index < found.itemLocations.count ? found.itemLocations[index] : location
                items.append((withoutForbiddenCharacters(scalar.string, at: itemLocation), itemLocation))
            }
            return items
        default:
            fail(key, "`\(key)` must be a list of texts")
            return []
        }
    }

    /// The value of `key` as YAML, with its marks (for settings that nest, such as `collections`).
    mutating func node(_ key: String) -> Node? {
        markUsed(key)
        guard let value = pair(key)?.value, !isNull(value) else { return nil }
        return value
    }

    /// A number, integer or not.
    public mutating func number(_ key: String) -> Double? {
        markUsed(key)
        guard let value = pair(key)?.value, !isNull(value) else { return nil }
        guard case .scalar(let scalar) = value, let number = Double(scalar.string), number.isFinite else {
            fail(key, "`\(key)` must be a number, such as 3 or 2.5")
            return nil
        }
        return number
    }

    /// A declared field of a collection's item, read with its type, with the place of its value (and of each
    /// item of a list, as `NAME#INDEX`). A required field that is missing is an error; one that is optional
    /// takes its default, if it has one.
    mutating func value(of field: FieldDeclaration, locations: inout [String: SourceLocation]) -> FieldValue? {
        let key = field.name
        let example = field.example ?? Self.example(of: field.type)
        if pair(key) == nil || isNull(pair(key)!.value) {
            markUsed(key)
            if field.required {
                if pair(key) == nil { missing(key, example) } else {
                    reportError(at: location(of: key), "`\(key)` has no value (for example `\(key): \(example)`)")
                }
            }
            return field.defaultValue
        }
        locations[key] = valueLocation(of: key)
        switch field.type {
        case .list(let elements):
            let element = elements[0]
            if case .sequence? = pair(key)?.value {} else if case .scalar? = pair(key)?.value {} else {
                fail(key, "`\(key)` must be a list of \(Self.plural(element)), such as [\(example)]")
                markUsed(key)
                return nil
            }
            var items: [FieldValue] = []
            for (index, (text, location)) in stringList(key).enumerated() {
                locations["\(key)#\(index)"] = location
                if let item = scalar(text, as: element, key: key, at: location) { items.append(item) }
            }
            return .list(items)
        case .flag:
            return bool(key).map(FieldValue.flag)
        case .number:
            return number(key).map(FieldValue.number)
        case .date:
            return date(key, required: field.required).map(FieldValue.date)
        default:
            guard let text = string(key, required: field.required ? example : nil) else { return nil }
            return scalar(text, as: field.type, key: key, at: valueLocation(of: key))
        }
    }

    /// One value of a declared type from its text (a list's item, or a field's whole value).
    private mutating func scalar(_ text: String, as type: FieldType, key: String, at location: SourceLocation) -> FieldValue? {
        switch type {
        case .text: return .text(text)
        case .markdown: return .html(source: text, html: "")
        case .date:
            switch PartialDate.parse(text) {
            case .success(let date): return .date(date)
            case .failure(.impossible): reportError(at: location, "`\(key)` is not a real date: \(text)")
            case .failure(.format): reportError(at: location, "`\(key)` must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not \(text)")
            }
            return nil
        case .number:
            guard let number = Double(text), number.isFinite else {
                reportError(at: location, "`\(key)` must be a number, such as 3 or 2.5, not \(text)")
                return nil
            }
            return .number(number)
        case .flag:
            switch text {
            case "true", "True", "TRUE", "yes": return .flag(true)
            case "false", "False", "FALSE", "no": return .flag(false)
            default:
                reportError(at: location, "`\(key)` must be true or false, not \(text)")
                return nil
            }
        case .url:
            if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) || URLComponents(string: text) == nil {
                reportError(at: location, "`\(key)` must be a URL such as https://example.org/page, without spaces; not \(text)")
                return nil
            }
            return .text(text)
        case .anchor:
            // An id as sitegen makes them from file names: letters, digits, `-` and `_`.
            guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D || $0 == 0x5F }) else {
                reportError(at: location, "`\(key)` names anchors such as former-name (letters, digits, - and _), not \(text)")
                return nil
            }
            return .text(text)
        case .page, .item:
            return .reference(text)
        case .list:
            reportError(at: location, "`\(key)` must be a list of single values, not of lists")
            return nil
        }
    }

    static func example(of type: FieldType) -> String {
        switch type {
        case .text, .markdown: "some text"
        case .date: "2026-01-31"
        case .number: "3"
        case .flag: "true"
        case .url: "https://example.org/"
        case .anchor: "former-anchor"
        case .page: "about.md"
        case .item(let collection): "\(collection)/name.md"
        case .list(let element): example(of: element[0])
        }
    }

    static func plural(_ type: FieldType) -> String {
        switch type {
        case .item(let collection): "paths of \(collection) items"
        case .page: "paths of pages"
        default: "\(type) values"
        }
    }

    /// Marks `key` as one sitegen knows but refuses; nil when it is absent, else its text (empty for a
    /// list or mapping), for the caller's error.
    public mutating func refusedString(_ key: String) -> String? {
        if !refused.contains(key) { refused.append(key) }
        guard let value = pair(key)?.value else { return nil }
        return value.scalar?.string ?? ""
    }

    /// Warns about keys no reader asked for, suggesting the nearest key a page may use; for an item of a
    /// collection (`declaredBy`), whose keys are declared, each is an error.
    public mutating func reportUnknownKeys(declaredBy collection: String? = nil, what: String = "front matter key") {
        for pair in pairs where !used.contains(pair.key) && !refused.contains(pair.key) {
            let (key, location) = (pair.key, pair.keyLocation)
            var message = collection.map { "`\(key)` is not a field of collection `\($0)`" } ?? "unknown \(what) `\(key)`; it is ignored"
            if let near = used.map({ ($0, editDistance($0, key)) }).min(by: { $0.1 < $1.1 }), near.1 <= 2 {
                message += "; did you mean `\(near.0)`?"
            } else if let collection {
                message += "; declare it under `collections: \(collection): fields:` in site.yaml, or remove it"
            }
            diagnostics.append(collection == nil ? .warning(source.displayPath, line: location.line, column: location.column, message)
                                                 : .error(source.displayPath, line: location.line, column: location.column, message))
        }
    }
}

/// Levenshtein distance in Unicode scalars, for "did you mean" suggestions; 3 stands for anything farther
/// than 2. A build that warns about a key on every page compares it with every known key of every page:
/// names are compared in place as bytes when both are ASCII (nearly always), else as scalars, never as
/// Characters, whose grapheme breaking was most of the cost of such a build's warnings.
public func editDistance(_ a: String, _ b: String) -> Int {
    let inPlace = a.utf8.withContiguousStorageIfAvailable { a in
        b.utf8.withContiguousStorageIfAvailable { b in
            a.allSatisfy { $0 < 0x80 } && b.allSatisfy { $0 < 0x80 } ? levenshtein(a, b) : nil
        } ?? nil
    }
    return (inPlace ?? nil) ?? levenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars))
}

private func levenshtein<Name: RandomAccessCollection>(_ a: Name, _ b: Name) -> Int where Name.Element: Equatable {
    // Suggestions look at names at most 2 edits apart: a pair whose lengths differ more is farther.
    if abs(a.count - b.count) > 2 { return 3 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (b.count + 1)) { rows in
        var previous = rows.baseAddress!, current = previous + (b.count + 1)
        for j in 0...b.count { previous[j] = j }
        for x in a {
            current[0] = previous[0] + 1
            var j = 1
            for y in b {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x == y ? 0 : 1))
                j += 1
            }
            swap(&previous, &current)
        }
        return min(previous[b.count], 3)
    }
}
