import Yams

/// The property `FlatYAML` is held to: what it reads, it reads exactly as libyaml (through Yams) does, and it
/// never accepts what libyaml refuses. The tests and the fuzz target (`Tests/fuzz-yaml.sh`) check it.
@_spi(Testing) public enum FlatYAMLAgreement {
    /// What FlatYAML did with a text.
    public enum Outcome: Equatable, Sendable {
        /// It left the text to Yams.
        case leftToYams
        /// It read the text exactly as Yams does.
        case agrees
        /// It read the text, but not as Yams does (or Yams refuses it): what differs.
        case differs(String)
    }

    /// Compares FlatYAML's reading of `yaml` with Yams's: pairs, keys, values, styles, tags, what the values
    /// resolve to, where each starts, and what the front matter's readers make of them.
    public static func check(_ yaml: String) -> Outcome {
        guard let pairs = FlatYAML.pairs(yaml, firstLine: 1) else { return .leftToYams }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch {
            return .differs("FlatYAML read \(pairs.count) keys where Yams refuses the text: \(error)")
        }
        let mapping: [(Node, Node)]
        switch root {
        case nil: mapping = []
        case .mapping(let found)?: mapping = Array(found)
        case let other?: return .differs("FlatYAML read keys where Yams reads \(other)")
        }
        guard mapping.count == pairs.count else { return .differs("FlatYAML read \(pairs.count) keys, Yams \(mapping.count)") }
        for (pair, (key, value)) in zip(pairs, mapping) {
            let name = key.scalar?.string ?? "?"
            if pair.key != name { return .differs("key `\(pair.key)` where Yams reads `\(name)`") }
            if let mark = key.mark, pair.keyLocation != SourceLocation(line: mark.line, column: mark.column) {
                return .differs("key `\(name)` at \(pair.keyLocation) where Yams places it at \(mark.line):\(mark.column)")
            }
            if let mark = value.mark, pair.valueLocation != SourceLocation(line: mark.line, column: mark.column) {
                return .differs("value of `\(name)` at \(pair.valueLocation) where Yams places it at \(mark.line):\(mark.column)")
            }
            if pair.value.tag != value.tag { return .differs("value of `\(name)` tagged \(pair.value.tag) where Yams tags it \(value.tag)") }
            if (pair.value.sequence == nil) != (value.sequence == nil) { return .differs("`\(name)` is a list for one reader only") }
            let fastItems = pair.value.sequence.map(Array.init) ?? [pair.value], yamsItems = value.sequence.map(Array.init) ?? [value]
            guard fastItems.count == yamsItems.count else { return .differs("`\(name)` has \(fastItems.count) items, \(yamsItems.count) for Yams") }
            for (index, (fast, yams)) in zip(fastItems, yamsItems).enumerated() {
                guard let fastScalar = fast.scalar, let yamsScalar = yams.scalar else { return .differs("item \(index) of `\(name)` is not text for one reader") }
                if fastScalar.string != yamsScalar.string {
                    return .differs("`\(name)` reads \(quoted(fastScalar.string)) where Yams reads \(quoted(yamsScalar.string))")
                }
                if fastScalar.style != yamsScalar.style { return .differs("`\(name)` in style \(fastScalar.style), Yams \(yamsScalar.style)") }
                if fast.tag != yams.tag { return .differs("item \(index) of `\(name)` tagged \(fast.tag), Yams \(yams.tag)") }
                if fast.bool != yams.bool || fast.int != yams.int || fast.null != yams.null || !sameNumber(fast.float, yams.float) {
                    return .differs("`\(name)` resolves differently: \(String(describing: fast.any)) against Yams's \(String(describing: yams.any))")
                }
                if value.sequence != nil, let mark = yams.mark, index < pair.itemLocations.count,
                   pair.itemLocations[index] != SourceLocation(line: mark.line, column: mark.column) {
                    return .differs("item \(index) of `\(name)` at \(pair.itemLocations[index]) where Yams places it at \(mark.line):\(mark.column)")
                }
            }
        }
        return readersAgree(yaml, keys: pairs.map(\.key))
    }

    /// What the front matter's typed readers get from each: texts, flags, lists, dates and their problems.
    private static func readersAgree(_ yaml: String, keys: [String]) -> Outcome {
        let source = SourceFile(path: "page.md", displayPath: "page.md", text: "---\n\(yaml)\n---\n")
        guard case .success(let split) = FrontMatterSplit.split(source) else { return .agrees }  // a `---` line inside
        guard case .success(var fast) = FrontMatter.parse(split, of: source, flatReader: true),
              case .success(var yams) = FrontMatter.parse(split, of: source, flatReader: false) else {
            return .agrees  // the split text is other YAML than `yaml`: a `...` line ends it early
        }
        for key in keys {
            if fast.string(key, required: "x") != yams.string(key, required: "x") { return .differs("`\(key)` reads as other text") }
            if fast.bool(key) != yams.bool(key) { return .differs("`\(key)` reads as another flag") }
            let (fastList, yamsList) = (fast.stringList(key), yams.stringList(key))
            if fastList.map(\.0) != yamsList.map(\.0) || fastList.map(\.1) != yamsList.map(\.1) { return .differs("`\(key)` reads as another list") }
            if fast.date(key) != yams.date(key) { return .differs("`\(key)` reads as another date") }
            if fast.valueLocation(of: key) != yams.valueLocation(of: key) { return .differs("`\(key)` placed elsewhere") }
        }
        if fast.diagnostics != yams.diagnostics { return .differs("other problems: \(fast.diagnostics) against \(yams.diagnostics)") }
        return .agrees
    }

    /// Equal, or both not a number (`.nan`, which equals nothing, itself included).
    private static func sameNumber(_ a: Double?, _ b: Double?) -> Bool {
        a == b || (a?.isNaN == true && b?.isNaN == true)
    }

    private static func quoted(_ text: String) -> String { "\"" + text.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() + "\"" }
}
