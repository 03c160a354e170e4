import Foundation
import Testing
@testable import SiteGen

/// The project's site: its sources as data, its notes from the registry, its JSON-LD.
struct SourcesTests {
    static let content = TemporarySite.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("content")

    /// No source typed as free text: every footnote definition left in content/ is an editorial note that cites
    /// its sources by key.
    @Test func everyNoteOfTheContentCitesByKey() throws {
        var checked = 0
        for case let path as String in FileManager.default.enumerator(atPath: Self.content.path)! where path.hasSuffix(".md") {
            let text = try String(contentsOf: Self.content.appendingPathComponent(path), encoding: .utf8)
            for line in text.components(separatedBy: "\n") where line.hasPrefix("[^") && line.contains("]:") {
                #expect(line.contains("[^@"), "\(path): \(line)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    /// The built site: every page's JSON-LD parses, with schema.org types from the declarations; every source
    /// is on the sources page with the pages that cite it; every note links its source.
    @Test func theSitesStructuredDataAndSourcesPage() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let report = site.build(baseURL: "https://example.org/site/")
        #expect(report.succeeded && report.warnings.isEmpty, "\(report.summary)")
        let files = site.snapshot().compactMapValues { $0.0 }.filter { $0.key.hasSuffix(".html") }
        var types: [String: Set<String>] = [:]
        for (path, data) in files where path != "404.html" {
            let html = String(decoding: data, as: UTF8.self)
            let script = try #require(html.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst().first?
                .components(separatedBy: "</script>").first, "\(path) has no JSON-LD")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(script.utf8)) as? [String: Any], "\(path)")
            #expect(json["@context"] as? String == "https://schema.org")
            let page = try #require((json["@graph"] as? [[String: Any]])?.first)
            #expect(page["url"] as? String == "https://example.org/site/" + String(path.dropLast("index.html".count)))
            #expect((page["isBasedOn"] as? [String: Any])?["url"] as? String == "https://en.wikipedia.org/wiki/Mali%E2%80%93United_States_relations")
            types[path, default: []].insert(page["@type"] as? String ?? "")
            if let about = page["about"] as? [String: Any] { types[path, default: []].insert(about["@type"] as? String ?? "") }
            for part in page["hasPart"] as? [[String: Any]] ?? [] { types[path, default: []].insert(part["@type"] as? String ?? "") }
            for citation in page["citation"] as? [[String: Any]] ?? [] {
                #expect(citation["@type"] as? String == "CreativeWork" && citation["name"] is String && citation["url"] is String, "\(path)")
            }
        }
        #expect(types["timeline/index.html"] == ["WebPage", "Event"])
        let deanHTML = String(decoding: files["ambassadors/john-gunther-dean/index.html"]!, as: UTF8.self)
        #expect(deanHTML.contains(#""about":{"@type":"Person","name":"John Gunther Dean","jobTitle":"Chargé d'affaires ad interim","memberOf":{"@type":"OrganizationRole","roleName":"Chargé d'affaires ad interim","startDate":"1960-09-24","memberOf":{"@type":"GovernmentOrganization","name":"Embassy of the United States, Bamako"}}}"#), "\(deanHTML)")
        // Dean's departure is not recorded (his term ends when Wright's starts): no endDate. Rawson's is.
        #expect(String(decoding: files["ambassadors/david-rawson/index.html"]!, as: UTF8.self).contains(#""startDate":"1996-03-01","endDate":"1999-07-26""#))
        #expect(types["ambassadors/rachna-korhonen/index.html"] == ["Article", "Person"])
        // Korhonen's departure is not recorded: no endDate (the term's end on the timeline is not stated by a source).
        let korhonen = String(decoding: files["ambassadors/rachna-korhonen/index.html"]!, as: UTF8.self)
        #expect(korhonen.contains(#""roleName":"Ambassador","startDate":"2023-03-16","memberOf""#), "\(korhonen)")

        // The sources page: every source once, with the pages that cite it.
        let sourcesPage = String(decoding: try #require(files["sources/index.html"]), as: UTF8.self)
        let sources = try FileManager.default.contentsOfDirectory(atPath: Self.content.appendingPathComponent("sources").path).filter { $0 != "index.md" && $0.hasSuffix(".md") }
        #expect(sources.count >= 20)
        for file in sources {
            let key = String(file.dropLast(3))
            let entry = try #require(sourcesPage.components(separatedBy: "<li id=\"\(key)\">").dropFirst().first, "\(key) is not on the sources page")
            #expect(entry.components(separatedBy: "</li>")[0].contains("Cited on: <a href="), "\(key)")
        }
        // A note is the registry's text, linked to the source.
        let timeline = String(decoding: try #require(files["timeline/index.html"]), as: UTF8.self)
        #expect(timeline.contains(#"Africanews, <a href="https://www.africanews.com/2025/10/27/us-mali-visa-row-us-removes-mali-from-list-requiring-visa-bonds">“US-Mali visa row: US removes Mali from list requiring visa bonds”</a>, 27 October 2025."#))
    }
}

/// The JSON of the pages' structured data, written into one buffer: the same text as JSON made piece by piece,
/// every escape included.
struct StructuredDataJSONTests {
    /// The straightforward writer it replaced, as the oracle.
    static func oracle(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "<", ">", "&", "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    @Test func stringsAreEscapedAsBefore() {
        let pieces = ["a", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "<", ">", "&", "</script>", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}",
                      "é", "Keïta", "—", "€", "𝄞", "\u{E2}", " ", "\r"]
        var random = SplitMix64(seed: 11)
        for _ in 0..<2000 {
            let text = (0..<random.below(8)).map { _ in random.pick(pieces) }.joined()
            #expect(JSON.quoted(text) == Self.oracle(text), "\(text.debugDescription)")
        }
        let nested = JSON.object([("@type", .string("A<b>")), ("n", .number(3)), ("x", .number(2.5)), ("l", .array([.bool(true), .null, .string("\u{2028}")])),
                                  ("e", .array([])), ("o", .object([]))])
        #expect(nested.text == #"{"@type":"A\u003cb\u003e","n":3,"x":2.5,"l":[true,null,"\u2028"],"e":[],"o":{}}"#)
    }
}
