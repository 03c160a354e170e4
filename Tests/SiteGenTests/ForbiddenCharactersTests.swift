import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SiteGen

/// Characters XML 1.0 forbids (and HTML calls parse errors) never reach a written file: each is replaced as
/// the sources are read, with a warning at its line.
struct ForbiddenCharactersTests {
    @Test func aControlCharacterInAnEventLeavesTheFeedReadableAndIsReportedAtItsLine() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let settings = try String(contentsOf: site.root.appendingPathComponent("content/site.yaml"), encoding: .utf8)
        try site.write("content/site.yaml", settings + "base_url: https://example.org/site/\n")
        // A raw U+0001 in the title and body, DEL, a C1 control and a noncharacter, and one spelt with a YAML escape.
        let nonCharacter = String(Character(Unicode.Scalar(0xFDD0)!))
        try site.write("content/timeline/1961.md", "---\ndate: 1961\ntitle: A year\u{01}-only event\n---\n\n\nSome\u{7F}thing \u{85}in\(nonCharacter) 1961.\n")
        try site.write("content/timeline/1962.md", "---\ndate: 1962\ntitle: \"Escaped \\u0001 here\"\n---\n\nText.\n")
        let report = site.build()
        #expect(report.errors.isEmpty, "\(report.summary)")
        let warnings = report.warnings.filter { $0.message.contains("U+FFFD") }
        #expect(warnings.map { "\($0.path):\($0.line ?? 0):\($0.column ?? 0)" }.sorted()
                == ["content/timeline/1961.md:3:14", "content/timeline/1961.md:7:5", "content/timeline/1962.md:3:8"], "\(report.summary)")
        let feed = try Data(contentsOf: site.root.appendingPathComponent("public/timeline/feed.xml"))
        let parser = XMLParser(data: feed)
        #expect(parser.parse(), "\(parser.parserError.map(String.init(describing:)) ?? "")")
        let feedText = String(decoding: feed, as: UTF8.self)
        #expect(feedText.contains("A year\u{FFFD}-only event"))
        #expect(feedText.contains("Escaped \u{FFFD} here"))
        // No written file holds one.
        for (path, (data, _)) in site.snapshot() {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.unicodeScalars.contains(where: ForbiddenCharacters.isForbidden), "\(path)")
        }
    }

    @Test func whatIsForbidden() {
        func text(_ value: UInt32) -> String { "a" + String(Character(Unicode.Scalar(value)!)) + "b" }
        for forbidden: UInt32 in [0x00, 0x01, 0x0C, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF] {
            #expect(ForbiddenCharacters.replaced(in: text(forbidden))?.text == "a\u{FFFD}b", "U+\(String(forbidden, radix: 16))")
        }
        for allowed: UInt32 in [0x09, 0x0A, 0x0D, 0x20, 0x7E, 0xA0, 0xEF, 0xFDCF, 0xFDF0, 0xFFFD, 0x1F600, 0x10FFFD] {
            #expect(ForbiddenCharacters.replaced(in: text(allowed)) == nil, "U+\(String(allowed, radix: 16))")
        }
        #expect(ForbiddenCharacters.replaced(in: "Keïta — “quoted”, Konaré\r\n") == nil)
    }

    @Test func manyLinesGiveAFewWarningsAndACount() {
        let text = String(repeating: "a\u{1}b\u{2}\n", count: 25)
        let (replaced, locations) = ForbiddenCharacters.replaced(in: text)!
        #expect(locations.count == 25 && locations.allSatisfy { $0.column == 2 })
        #expect(replaced == String(repeating: "a\u{FFFD}b\u{FFFD}\n", count: 25))
        let warnings = ForbiddenCharacters.warnings(locations, path: "p.md")
        #expect(warnings.count == 11)
        #expect(warnings.last?.message.hasPrefix("15 more lines") == true)
    }

    /// cmark decodes a character reference into the character it names: one that is forbidden is replaced in
    /// the page too, with a warning at the reference; a `--base-url` with one is an error.
    @Test func aCharacterReferenceToAForbiddenCharacterIsReplacedAndReported() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/about.md", "---\ntitle: About\n---\n\nPlain.\n\nX &#1; &#x9F; Y and `&#1;` as code\n\n## H &#2; head\n")
        let report = site.build()
        #expect(report.errors.isEmpty, "\(report.summary)")
        let warning = try #require(report.warnings.first { $0.message.contains("character reference") })
        #expect(warning.path == "content/about.md" && warning.line == 7 && warning.column == 3)
        let html = try String(contentsOfFile: site.root.path + "/public/about/index.html", encoding: .utf8)
        #expect(!html.unicodeScalars.contains(where: ForbiddenCharacters.isForbidden))
        #expect(html.contains("X \u{FFFD} \u{FFFD} Y"))
        #expect(html.contains("<code>&amp;#1;</code>"))
        #expect(ForbiddenCharacters.firstReference(in: "a\nb &#65; c &#X85;", firstLine: 5) == SourceLocation(line: 6, column: 11))
        let withBase = site.build(baseURL: "https://example.org/\u{1}/")
        #expect(withBase.errors.map(\.path) == ["--base-url"], "\(withBase.summary)")
    }
}
