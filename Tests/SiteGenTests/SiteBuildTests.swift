import Foundation
import Testing
@testable import SiteGen

struct SiteBuildTests {
    @Test func minimalFixtureBuildsToExactlyTheExpectedFiles() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let report = site.build()
        #expect(report.diagnostics.isEmpty, "\(report.summary)")
        let built = site.snapshot().mapValues(\.0)
        let expected = TemporarySite.snapshot(of: TemporarySite.fixtures.appendingPathComponent("minimal/expected")).mapValues(\.0)
        #expect(built.keys.sorted() == expected.keys.sorted())
        for (path, data) in expected {
            #expect(built[path] == data, "\(path) differs:\n\(String(decoding: built[path] ?? Data(), as: UTF8.self))")
        }
    }

    @Test func outputIsByteIdenticalFromRunToRunAndWhateverTheJobs() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build(output: "one", jobs: 1).succeeded)
        #expect(site.build(output: "four", jobs: 4).succeeded)
        #expect(site.build(output: "again", jobs: 2).succeeded)
        let one = site.snapshot("one").mapValues(\.0)
        #expect(one == site.snapshot("four").mapValues(\.0))
        #expect(one == site.snapshot("again").mapValues(\.0))
    }

    @Test func computedRelationsOfChiefsAndEvents() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/ambassadors/new.md", "---\nname: Ann New\ntitle: Ambassador\ncredentials: 1962-02-14\nappointed_by: John F. Kennedy\n---\n\nThird.\n")
        try site.write("content/timeline/1963-05.md", "---\ndate: 1963-05\ntitle: Later event\n---\n\nText.\n")
        #expect(site.build().succeeded)
        let files = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        let newPage = try #require(files["ambassadors/new/index.html"])
        #expect(newPage.contains("<p id=\"term\">Ambassador (2nd), from 14 February 1962</p>"))
        #expect(newPage.contains("Before: <a href=\"../wright/\">Tom Wright</a> After: </p>"))
        #expect(newPage.contains("<ul><li><a href=\"../../timeline/#1963-05\">Later event</a></li></ul>"))
        #expect(try #require(files["ambassadors/wright/index.html"]).contains("After: <a href=\"../new/\">Ann New</a>"))
        let timeline = try #require(files["timeline/index.html"])
        #expect(timeline.contains("<div id=\"1963-05\">May 1963: Later event [Ann New]"))
        #expect(timeline.contains("<div id=\"term-new\">14 February 1962: term of Ann New #2</div>"))
        #expect(try #require(files["ambassadors/index.html"]).contains("<tr id=\"new\"><td>2</td><td><a href=\"new/\">Ann New</a></td>"))
    }

    @Test func templateValuesAreHTMLEscaped() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/ambassadors/dean.md", "---\nname: \"<script>alert(1)</script> & Co\"\ntitle: Chargé\ncredentials: 1960-09-24\n---\n\nFirst.\n")
        #expect(site.build().succeeded)
        let page = String(decoding: site.snapshot()["ambassadors/dean/index.html"]!.0, as: UTF8.self)
        #expect(page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</h1>"))
        #expect(!page.contains("<script>"))
    }

    /// swift-mustache's escaper compares Characters: a quote followed by a combining mark is one Character
    /// it does not list, and was written as it is, ending the attribute it stood in.
    @Test func quotesAndBracketsWithCombiningMarksAreEscapedToo() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let mark = "\u{301}"  // a combining acute accent, which joins the character before it
        try site.write("templates/page.mustache", "<a title=\"{{page.title}}\">{{title}}</a>\n")
        try site.write("content/about.md", "---\ntitle: \"x\\\"" + mark + " onmouseover=alert(1) <" + mark + "b '" + mark + "\"\n---\nBody.\n")
        #expect(site.build().succeeded)
        let page = String(decoding: try #require(site.snapshot()["about/index.html"]).0, as: UTF8.self)
        let expected = "<a title=\"x&quot;" + mark + " onmouseover=alert(1) &lt;" + mark + "b &#39;" + mark + "\">"
        #expect(page.contains(expected))
        let unescapedQuote = "\"" + mark
        #expect(!page.contains(unescapedQuote))
    }

    @Test func templatesSeePageValuesAsMustacheSeesStrings() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("templates/page.mustache", """
            [{{page.title}}|{{{title}}}|{{title.x}}|{{#page.description}}<{{.}}>{{/page.description}}\
            {{^page.description}}none{{/page.description}}|{{#site}}{{title}}{{/site}}|{{#nav}}{{#current}}*{{/current}}{{title}};{{/nav}}]
            {{page.body}}
            """)
        try site.write("content/about.md", "---\ntitle: A & b\ndescription: \"d <e>\"\n---\n\nx *y*\n")
        #expect(site.build().succeeded)
        let files = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        let about = try #require(files["about/index.html"])
        #expect(about.contains("[A &amp; b|A & b||<d &lt;e&gt;>|Fixture site|Home;Timeline;Chiefs;]"))
        #expect(about.contains("&lt;p&gt;x &lt;em&gt;y&lt;/em&gt;&lt;/p&gt;"))
        let home = try #require(files["index.html"])
        #expect(home.contains("none|Fixture site|*Home;Timeline;Chiefs;]"))
    }

    /// `lede`/`rest` split the body after its opening paragraph, `prose`/`notes` before cmark-gfm's footnotes;
    /// the parts always add up to the body, also when there is no opening paragraph or no footnote.
    @Test func bodySplitsAtTheOpeningParagraphAndAtTheFootnotes() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("templates/page.mustache", "§{{{page.body}}}@{{{page.lede}}}@{{{page.rest}}}@{{{page.prose}}}@{{{page.notes}}}§")
        try site.write("content/about.md", "---\ntitle: About\n---\n\nÉté à Bamako ↩.[^n]\n\n## Après\n\nSecond.\n\n[^n]: Note « ici ».\n")
        try site.write("content/plain.md", "---\ntitle: Plain\n---\n\n## Heading first\n\nText é.\n")
        #expect(site.build().succeeded)
        let files = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        func parts(_ page: String) throws -> [String] {
            try #require(page.components(separatedBy: "§").dropFirst().first).components(separatedBy: "@")
        }
        let about = try parts(#require(files["about/index.html"]))
        try #require(about.count == 5)
        let (body, lede, rest, prose, notes) = (about[0], about[1], about[2], about[3], about[4])
        #expect(lede + rest == body)
        #expect(prose + notes == body)
        #expect(lede.hasPrefix("<p>Été à Bamako ↩.<sup") && lede.hasSuffix("</p>\n") && !lede.contains("Après"))
        #expect(rest.hasPrefix("<h2"))
        #expect(notes.hasPrefix("<section class=\"footnotes\"") && notes.contains("Note « ici »"))
        #expect(prose.hasSuffix("<p>Second.</p>\n"))
        let plain = try parts(#require(files["plain/index.html"]))
        try #require(plain.count == 5)
        #expect(plain[1] == "" && plain[2] == plain[0], "no opening paragraph: all of it is the rest")
        #expect(plain[3] == plain[0] && plain[4] == "", "no footnotes: all of it is prose")
    }

    @Test func theNotFoundPageLinksAbsolutelyUnderABaseURL() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build(baseURL: "https://example.org/mali").succeeded)
        let notFound = String(decoding: try #require(site.snapshot()["404.html"]).0, as: UTF8.self)
        #expect(notFound.contains("href=\"https://example.org/mali/s.css\"") || notFound.contains("href=\"https://example.org/mali/assets/s.css\""))
        #expect(notFound.contains("href=\"https://example.org/mali/timeline/\""))
        #expect(!notFound.contains("href=\"timeline/\""))
    }

    @Test func withoutA404TemplateTheNotFoundPageIsBuiltIn() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.delete("templates/404.mustache")
        let report = site.build(baseURL: "https://example.org/mali")
        #expect(report.diagnostics.isEmpty)
        let notFound = String(decoding: try #require(site.snapshot()["404.html"]).0, as: UTF8.self)
        // The base layout around the built-in body, whose link home is absolute like the rest of the page.
        #expect(notFound.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\"><head><title>Page not found</title>"))
        #expect(notFound.contains("""
            <h1>Page not found</h1>
            <p>There is no page at this address. Start again from the <a href="https://example.org/mali/">home page</a>.</p>
            </body></html>
            """))
    }

    @Test func aFoldersPageMayBeNamedUnderscoreIndexAsInHugoAndZola() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/posts/_index.md", "---\ntitle: Posts\n---\nAll posts: [the first](first.md).\n")
        try site.write("content/posts/first.md", "---\ntitle: First\n---\nBack to [the posts](_index.md) or [home](../index.md).\n")
        #expect(site.build().diagnostics.isEmpty)
        let files = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        #expect(files["posts/_index/index.html"] == nil)
        #expect(files["posts/index.html"]?.contains("<a href=\"first/\">the first</a>") == true)
        let first = try #require(files["posts/first/index.html"])
        #expect(first.contains("<a href=\"../\">the posts</a> or <a href=\"../../\">home</a>"))
        // The section is in the breadcrumbs, found by its URL.
        #expect(first.contains("<a href=\"../\">Posts</a> / "))
    }

    @Test func aFolderWithBothIndexAndUnderscoreIndexIsAnError() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/posts/_index.md", "---\ntitle: Posts\n---\nA.\n")
        try site.write("content/posts/index.md", "---\ntitle: Posts too\n---\nB.\n")
        let report = site.build()
        #expect(report.errors.map(\.description) == [
            "content/posts/index.md:1:1: error: posts/index.md and posts/_index.md would both be written to posts/index.html; rename one",
        ])
    }

    @Test func theHomePageMayBeUnderscoreIndex() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        func edit(_ path: String, _ old: String, _ new: String) throws {
            let text = try String(contentsOf: site.root.appendingPathComponent(path), encoding: .utf8)
            #expect(text.contains(old))
            try site.write(path, text.replacingOccurrences(of: old, with: new))
        }
        try site.write("content/_index.md", try String(contentsOf: site.root.appendingPathComponent("content/index.md"), encoding: .utf8))
        try site.delete("content/index.md")
        // Links and settings name the file that is there, as for any page.
        try edit("content/ambassadors/wright.md", "(../index.md#notes)", "(../_index.md#notes)")
        try edit("content/site.yaml", "navigation: [index.md,", "navigation: [_index.md,")
        try edit("content/timeline/1960-09-24-relations.md", "pages: [index.md]", "pages: [_index.md]")
        #expect(site.build().diagnostics.isEmpty)
        let home = String(decoding: try #require(site.snapshot()["index.html"]).0, as: UTF8.self)
        #expect(home.contains("aria-current=\"page\">"))
    }

    @Test func sitemapAndRobotsUseTheBaseURL() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build(baseURL: "https://example.org/mali").succeeded)
        let files = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        #expect(files["robots.txt"] == "User-agent: *\nAllow: /\nSitemap: https://example.org/mali/sitemap.xml\n")
        #expect(files["sitemap.xml"]?.contains("<loc>https://example.org/mali/ambassadors/dean/</loc>") == true)
        #expect(files["sitemap.xml"]?.contains("<loc>https://example.org/mali/</loc>") == true)
    }

    @Test func unchangedFilesKeepTheirModificationTime() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = site.snapshot()
        Thread.sleep(forTimeInterval: 1.1)
        try site.write("content/ambassadors/dean.md", "---\nname: John Dean\ntitle: Chargé d'affaires ad interim\ncredentials: 1960-09-24\n---\n\nFirst chief, edited.\n")
        #expect(site.build().succeeded)
        let after = site.snapshot()
        #expect(after["ambassadors/wright/index.html"]!.1 == before["ambassadors/wright/index.html"]!.1)
        #expect(after["ambassadors/dean/index.html"]!.1 > before["ambassadors/dean/index.html"]!.1)
    }
}

/// Who is in office on a date: a term ends when the chief left, and at the latest when the successor takes
/// charge; between a departure and the next start nobody is.
struct ChiefInOfficeTests {
    func timeline(_ chiefs: [String: String], events: [String: String]) throws -> String {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.delete("content/ambassadors/dean.md")
        try site.delete("content/ambassadors/wright.md")
        try site.write("content/timeline/1960-09-24-relations.md", "---\ndate: 1960-09-24\ntitle: Relations\n---\n\nRelations.\n")
        try site.delete("content/timeline/1961.md")
        try site.write("content/index.md", "---\ntitle: Home\n---\n\nHome.\n")
        for (name, dates) in chiefs { try site.write("content/ambassadors/\(name).md", "---\nname: \(name)\ntitle: Ambassador\n\(dates)---\n\nA chief.\n") }
        for (name, date) in events { try site.write("content/timeline/\(name).md", "---\ndate: \(date)\ntitle: \(name)\n---\n\nAn event.\n") }
        let report = site.build()
        try #require(report.succeeded, "\(report.summary)")
        return String(decoding: try #require(site.snapshot()["timeline/index.html"]).0, as: UTF8.self)
    }

    @Test func gapsUnknownEndsAndEarlyEnds() throws {
        let html = try timeline([
            "first": "credentials: 1961-01-01\n",                   // no `left`: ends when second starts
            "second": "credentials: 1970-01-01\nleft: 1975-06-30\n", // leaves; a gap until third
            "third": "credentials: 1976-03-01\n",                   // the latest: still in office
        ], events: [
            "in-first": "1965-05-05", "in-second": "1972", "in-gap": "1975-10-01", "in-third": "2000-01-01",
            "before-all": "1960-12-31", "second-starts": "1970-01-01", "left-that-day": "1975-06-30",
        ])
        func chief(of event: String) -> String? {
            guard let range = html.range(of: ": \(event)") else { return "missing event" }
            let line = html[range.upperBound...].prefix { $0 != "\n" }
            return line.contains("[") ? String(line.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }) : nil
        }
        #expect(chief(of: "in-first") == "first")
        #expect(chief(of: "second-starts") == "second")
        #expect(chief(of: "in-second") == "second")
        #expect(chief(of: "left-that-day") == "second")
        #expect(chief(of: "in-gap") == nil)          // not `first`, whose departure is unknown
        #expect(chief(of: "in-third") == "third")
        #expect(chief(of: "before-all") == nil)
    }
}
