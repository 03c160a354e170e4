import Testing
@testable import SiteGen

struct TemplateSetTests {
    /// Partial tags, with their names, lines and columns (in characters), as `{{\s*>\s*name\s*}}` finds them.
    static let cases: [(String, [(String, Int, Int)])] = [
        ("{{> a}}", [("a", 1, 1)]),
        ("{{>b}}", [("b", 1, 1)]),
        ("x {{ >  c  }} y", [("c", 1, 3)]),
        ("one\n  {{> two}}\n{{> three}}{{>four}}", [("two", 2, 3), ("three", 3, 1), ("four", 3, 12)]),
        ("{{> }}", []),
        ("{{>d}x}}", []),
        ("é {{> e}}", [("e", 1, 3)]),
        ("{{{> f}}}", [("f", 1, 2)]),
        ("{{>\ng\n}} {{> h}}", [("g", 1, 1), ("h", 3, 4)]),
        ("{{# s}}{{> i-j_k.l}}{{/ s}}", [("i-j_k.l", 1, 8)]),
        ("{{", []),
        ("{{>", []),
        ("}}{{> m}", []),
        ("", []),
    ]

    @Test func partialReferencesAreFoundWithTheirLinesAndColumns() {
        for (text, expected) in Self.cases {
            let found = TemplateSet.partialReferences(in: text)
            #expect(found.map(\.0) == expected.map(\.0), "\(text)")
            #expect(found.map(\.1.line) == expected.map(\.1), "\(text)")
            #expect(found.map(\.1.column) == expected.map(\.2), "\(text)")
        }
    }
}
