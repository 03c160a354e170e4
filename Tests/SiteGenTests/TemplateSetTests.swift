import Foundation
import Testing
@testable import SiteGen

struct TemplateSetTests {
    /// The regular expression the scan replaced, as the reference.
    static func referencesByRegex(in text: String) -> [(String, SiteGen.SourceLocation)] {
        guard let pattern = try? NSRegularExpression(pattern: #"\{\{\s*>\s*([^\s}]+)\s*\}\}"#) else { return [] }
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let before = ns.substring(to: match.range.location)
            let line = before.count(where: { $0 == "\n" }) + 1
            let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
            return (ns.substring(with: match.range(at: 1)), SiteGen.SourceLocation(line: line, column: column))
        }
    }

    @Test(arguments: [
        "{{> a}}", "{{>b}}", "x {{ >  c  }} y", "one\n  {{> two}}\n{{> three}}{{>four}}", "{{> }}", "{{>d}x}}",
        "é {{> e}}", "{{{> f}}}", "{{>\ng\n}} {{> h}}", "{{# s}}{{> i-j_k.l}}{{/ s}}", "{{", "{{>", "}}{{> m}", "",
    ])
    func partialReferencesAreFoundWhereTheRegexFoundThem(text: String) {
        let scanned = TemplateSet.partialReferences(in: text)
        let expected = Self.referencesByRegex(in: text)
        #expect(scanned.map(\.0) == expected.map(\.0))
        #expect(scanned.map(\.1.line) == expected.map(\.1.line))
        #expect(scanned.map(\.1.column) == expected.map(\.1.column))
    }
}
