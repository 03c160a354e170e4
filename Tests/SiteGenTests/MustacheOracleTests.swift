import Foundation
import Mustache
import Testing
@testable import SiteGen

/// sitegen's Mustache engine against swift-mustache, the engine it replaced, kept as the oracle: the
/// site's templates with every page's real values, and generated templates with generated values, must
/// render the same, or be refused by both.
struct MustacheOracleTests {
    /// swift-mustache escaping as sitegen does (bytes, quotes included), selected by a first line.
    struct OracleHTML: MustacheContentType {
        static let name = "SITEGEN_ORACLE_HTML"
        static let pragma = "{{% CONTENT_TYPE: \(name) }}\n"
        func escapeText(_ text: String) -> String { text.htmlEscaped }
    }

    /// A template value as swift-mustache sees values: Strings, Bools, numbers, arrays and parents.
    struct OracleValue: MustacheParent {
        let value: TemplateValue
        func child(named name: String) -> Any? { value.value(named: TemplateKey(name)).map(Self.convert) }

        static func convert(_ value: TemplateValue) -> Any {
            switch value {
            case .text(let text): text
            case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
            case .flag(let flag): flag
            case .integer(let number): number
            case .decimal(let number): number
            case .list(let items): items.map(convert)
            case .dictionary, .object: OracleValue(value: value)
            case .null: Optional<String>.none as Any
            }
        }
    }

    static func oracleLibrary(_ texts: [String: String]) throws -> MustacheLibrary {
        MustacheContentTypes.register(OracleHTML(), named: OracleHTML.name)
        var library = MustacheLibrary()
        for (name, text) in texts { library.register(try MustacheTemplate(string: OracleHTML.pragma + text), named: name) }
        return library
    }

    static func ours(_ texts: [String: String]) throws -> [String: SiteGen.MustacheTemplate] {
        try texts.mapValues { try SiteGen.MustacheTemplate(parsing: $0) }
    }

    static func render(_ templates: [String: SiteGen.MustacheTemplate], _ name: String, _ context: TemplateValue) -> String {
        var renderer = MustacheRenderer(partials: templates)
        renderer.render(templates[name]!, context: context)
        return String(decoding: renderer.output, as: UTF8.self)
    }

    /// Every page of the project's site, its layout and the base layout, through both engines.
    @Test func theSitesTemplatesRenderEveryPageAsSwiftMustacheDoes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var diagnostics = DiagnosticList()
        var clock = PhaseClock()
        let builder = SiteBuilder(options: BuildOptions(contentDirectory: root.path + "/content", templatesDirectory: root.path + "/templates", jobs: 2))
        let (renderer, _) = try #require(builder.makeRenderer(&diagnostics, clock: &clock), "\(diagnostics.items)")
        var texts: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: root.path + "/templates") where file.hasSuffix(".mustache") {
            texts[String(file.dropLast(9))] = try String(contentsOfFile: root.path + "/templates/" + file, encoding: .utf8)
        }
        let oracle = try Self.oracleLibrary(texts)
        let ours = try Self.ours(texts)
        var pages = 0
        for page in renderer.site.pages {
            let layout = page.layoutName(in: renderer.site.config.collections)
            let values = PageValues(renderer: renderer, page: page, url: page.holderURL, title: page.title)
            let main = Self.render(ours, layout, .object(values))
            let expectedMain = oracle.render(OracleValue(value: .object(values)), withTemplate: layout)
            #expect(main == expectedMain, "\(page.path): layout \(layout)")
            values.main = Array(main.utf8)
            #expect(Self.render(ours, "base", .object(values)) == oracle.render(OracleValue(value: .object(values)), withTemplate: "base"), "\(page.path)")
            pages += 1
        }
        #expect(pages >= 30)
    }

    /// Output without its white space. swift-mustache decides whether a tag stands alone on its line from
    /// the state of the section it is in, not from the line: after a nested section it keeps line endings
    /// the specification removes, and gives no indentation to a partial whose line the specification calls
    /// standalone (the line of `{{/empty}}` in `{{#empty}}{{^missing}}\n{{/missing}}\n{{/empty}}\n` stays).
    /// White space is held to the specification's own tests (`MustacheSpecTests`) and, for the site's
    /// templates above, to swift-mustache byte for byte; here everything else is.
    static func withoutWhiteSpace(_ text: String) -> String {
        String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) }.map(Character.init))
    }

    /// 3,000 generated templates (sections, inverted sections, partials with indentation, comments,
    /// standalone lines, set delimiters, escaping) with generated values: the same output, or both refuse.
    /// Outputs are compared to the byte where they can be, and otherwise without white space (see above).
    @Test func generatedTemplatesRenderAsSwiftMustacheDoes() throws {
        var generator = TemplateGenerator(seed: 0x6D75_7374)
        var mismatches: [String] = [], refusedByBoth = 0, rendered = 0, identical = 0
        for index in 0..<3000 {
            let texts = ["main": generator.template(depth: 0), "p1": generator.partial(includingOther: true), "p2": generator.partial(includingOther: false)]
            let context = generator.context()
            let theirs = try? Self.oracleLibrary(texts)
            let ours = try? Self.ours(texts)
            switch (ours, theirs) {
            case (nil, nil):
                refusedByBoth += 1
            case (let ours?, let theirs?):
                rendered += 1
                let mine = Self.render(ours, "main", context)
                let expected = theirs.render(OracleValue(value: context), withTemplate: "main") ?? "(no template)"
                if mine == expected {
                    identical += 1
                } else if Self.withoutWhiteSpace(mine) != Self.withoutWhiteSpace(expected) {
                    mismatches.append("#\(index) \(texts)\n--- ours\n\(mine)\n--- swift-mustache\n\(expected)")
                }
            default:
                mismatches.append("#\(index) refused by \(ours == nil ? "sitegen" : "swift-mustache") only: \(texts)")
            }
        }
        #expect(rendered >= 2000 && refusedByBoth >= 300)
        #expect(identical >= rendered * 3 / 4, "only \(identical) of \(rendered) identical to the byte")
        #expect(mismatches.count == 0, "\(mismatches.count) differ:\n\(mismatches.prefix(4).joined(separator: "\n\n"))")
    }
}

/// Deterministic random templates and values over a small vocabulary, in what both engines share:
/// no lambdas, inheritance or transforms, and no list or object interpolated as text.
struct TemplateGenerator {
    private var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func below(_ n: Int) -> Int { random.below(n) }
    private mutating func pick<T>(_ items: [T]) -> T { random.pick(items) }

    static let scalars = ["a", "b", "text", "n", "zero", "empty", "flag", "no", "obj.a", "obj.deep.x", "missing", "obj.missing", "a.b"]
    static let sections = ["list", "strings", "flag", "no", "obj", "obj.deep", "missing", "empty", "a", "n", "zero", "none", "nested"]

    /// Template text. A combining mark comes after a letter only: swift-mustache reads Characters, so a
    /// mark right after `}}` joins the brace and hides the tag's end (sitegen reads bytes). A `{` is never
    /// last: swift-mustache takes a template ending in `{` for an unfinished tag.
    mutating func text() -> String {
        pick(["x", " ", "  ", "\n", "<b>", "&", "\"", "'", "é", "e\u{301}", "word ", "\t", "\r\n", "a{b", "}", "a}b", "=", "|"])
    }

    /// Template source; `iterating` says a section over strings is open, where `{{.}}` is text.
    mutating func template(depth: Int, iterating: Bool = false) -> String {
        var parts: [String] = []
        for _ in 0..<(1 + below(6)) {
            switch below(depth > 2 ? 7 : 12) {
            case 0, 1, 2: parts.append(text())
            case 3: parts.append("{{\(pick(["", " "]))\(pick(Self.scalars))\(pick(["", " "]))}}")
            case 4: parts.append(pick(["{{{\(pick(Self.scalars))}}}", "{{& \(pick(Self.scalars))}}"]))
            case 5: parts.append(pick(["{{! a comment }}", "{{!\nmultiline\n}}", "\n  {{! standalone }}\n"]))
            case 6: parts.append(pick(["{{> p1}}", "\n  {{> p1}}\n", "\n{{> p2}}\n", "\t{{> p2}}\n"]) + (iterating ? "{{.}}" : ""))
            default:
                let name = pick(Self.sections)
                let inverted = below(3) == 0
                let standalone = below(2) == 0
                let open = "{{\(inverted ? "^" : "#")\(name)}}", close = "{{/\(name)}}"
                // Inside a section, `.` is the value it pushed: text only in a section over strings or text.
                let pushesText = ["strings", "a", "empty", "zero", "n"].contains(name)
                // (swift-mustache makes an inverted section's empty list the current value; Mustache pushes nothing.)
                let overList = ["list", "strings", "none", "nested"].contains(name)
                let inner = template(depth: depth + 1, iterating: inverted ? iterating && !overList : name == "flag" ? iterating : pushesText)
                if below(40) == 0 {
                    parts.append(open + inner)  // never closed: both refuse
                } else if standalone {
                    parts.append("\n" + pick(["", "  "]) + open + "\n" + inner + "\n" + pick(["", " "]) + close + "\n")
                } else {
                    parts.append(open + inner + close)
                }
            }
        }
        if iterating && below(2) == 0 { parts.append("{{.}}") }
        var result = parts.joined()
        if depth == 0 && below(10) == 0 {
            // The rest with other delimiters.
            result = "{{=<% %>=}}" + result.replacingOccurrences(of: "{{{", with: "{{&").replacingOccurrences(of: "}}}", with: "}}")
                .replacingOccurrences(of: "{{", with: "<%").replacingOccurrences(of: "}}", with: "%>")
        }
        if below(60) == 0 { result += "{{/stray}}" }
        return result
    }

    /// A partial; it always writes something: swift-mustache leaves the indentation of a standalone partial
    /// tag in place when the partial renders nothing, where the specification replaces the whole line.
    mutating func partial(includingOther: Bool) -> String {
        var parts = [text(), "{{a}}", "\n", "{{#list}}{{b}}\n{{/list}}", "line\n", "{{{text}}}"].shuffledDeterministically(&self)
        if includingOther { parts.append(pick(["\n  {{> p2}}\n", "{{> p2}}"])) }
        return "P:" + parts.prefix(1 + below(parts.count)).joined()
    }

    mutating func scalarText() -> TemplateValue { .text(pick(["A & B", "<i>", "", "x\ny", "\"q\"", "é", "plain", "it's"])) }

    mutating func context() -> TemplateValue {
        var values: [String: TemplateValue] = [
            "a": scalarText(), "b": scalarText(), "text": scalarText(), "n": .integer(below(100)), "zero": 0, "empty": "",
            "flag": .flag(below(2) == 0), "no": false,
            "list": .list((0..<below(4)).map { _ in ["b": scalarText()] + (below(2) == 0 ? ["a": scalarText()] : [:]) }),
            "strings": .list((0..<below(3)).map { _ in scalarText() }),
            "obj": ["a": scalarText(), "deep": ["x": scalarText()]],
            "nested": .list([["list": .list([["b": scalarText()]])]]),
        ]
        if below(3) == 0 { values["none"] = .list([]) }
        return .dictionary(values)
    }
}

private extension Array {
    func shuffledDeterministically(_ generator: inout TemplateGenerator) -> [Element] {
        var items = self
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, generator.below(index + 1))
        }
        return items
    }
}

private func + (a: [String: TemplateValue], b: [String: TemplateValue]) -> TemplateValue {
    .dictionary(a.merging(b) { $1 })
}
