import Foundation
import Testing
@testable import SiteGen

/// No input makes sitegen trap: arbitrary bytes go through front matter splitting, YAML and Markdown.
struct RobustnessTests {
    static let seeds = [
        "---\ntitle: History\ndate: 2012-03\npages: [a.md, b.md]\n---\n\n# Heading\n\n[x](a.md#b) ~~s~~ www.x.org[^1]\n\n[^1]: n\n",
        "---\nname: A\ntitle: Ambassador\ncredentials: 1961-01-17\nleft: 1960-01-01\n---\n| a | b |\n|---|---|\n| [y](../x.md) | `c` |\n",
        "---\n: : :\n- [\n---\n<script>x</script>\n",
    ]

    @Test func arbitraryBytesNeverCrashTheParsePhase() {
        var random = SplitMix64(seed: 20261127)
        let links = LinkResolver(markdownPaths: ["index.md", "a.md", "timeline/x.md", "ambassadors/y.md"], staticFiles: [])
        let parser = DocumentParser(renderer: MarkdownRenderer(), links: links)
        let alphabet = Array("---\n:#[]()!*_~`|-^{}<>&\"' abcxyz0123456789.\\/\t\r\u{0}é✓".utf8)
        var parsed = 0
        for round in 0..<3000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let position = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            for path in ["page.md", "timeline/e.md", "ambassadors/z.md"] {
                let (document, diagnostics) = parser.parse(SourceFile(path: path, displayPath: "content/" + path, text: text))
                // Either a document or a reason, never neither.
                #expect(document != nil || !diagnostics.isEmpty)
                if document != nil { parsed += 1 }
            }
        }
        #expect(parsed > 0)
    }

    @Test func twoBuildsOfOneOutputAtOnceBothFinishWithACompleteSite() async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        async let first = site.build()
        async let second = site.build()
        let reports = await [first, second]
        #expect(reports.allSatisfy { $0.succeeded }, "\(reports.map { $0.summary })")
        let expected = TemporarySite.snapshot(of: TemporarySite.fixtures.appendingPathComponent("minimal/expected")).mapValues(\.0)
        #expect(site.snapshot().mapValues(\.0) == expected)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.contains("staging") || $0.contains("-old") }
        #expect(leftovers.isEmpty)
    }
}
