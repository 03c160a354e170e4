import Foundation
import Testing
@testable import SiteGen

/// Collections declared as data: a site of another subject than the project's, built with no Swift written for
/// it, and the checks of front matter and of the declarations themselves.
struct CollectionsTests {
    /// The orchestra fixture: conductors (numbered music directors, tenures that last until the next), concerts
    /// (a `during` relation to conductors with its inverse, a reference to works with its inverse, grouped by
    /// year with the conductors' tenures merged in), works (no page of their own, grouped by first letter).
    @Test func aSiteOfAnotherSubjectBuildsToExactlyTheExpectedFiles() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        let report = site.build()
        #expect(report.diagnostics.isEmpty, "\(report.summary)")
        let built = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        let expected = TemporarySite.snapshot(of: TemporarySite.fixtures.appendingPathComponent("orchestra/expected")).mapValues { String(decoding: $0.0, as: UTF8.self) }
        #expect(built.keys.sorted() == expected.keys.sorted())
        for (path, text) in expected { #expect(built[path] == text, "\(path) differs:\n\(built[path] ?? "")") }

        // The values that matter, read from the pages as a reader would.
        let gala = try #require(built["concerts/1995-05-12-spring-gala/index.html"])
        #expect(gala.contains(#"Conducted by <a href="../../conductors/ada-lind/">Ada Lind</a></p>"#))
        #expect(gala.contains(#"<a href="../../works/#eroica">Symphony No. 3, Eroica</a> by Ludwig van Beethoven;"#))
        #expect(gala.contains(#"Linked from: <a href="../2003-10-10-autumn/">Autumn concert</a>"#))
        // Between Ada Lind's recorded end and Ben Okafor's start: a vacancy, not the last one in office.
        #expect(try #require(built["concerts/2000-03-03-interregnum/index.html"]).contains("No conductor on record"))
        // Known to the month, inside a tenure known to the year that lasts until the next one starts.
        #expect(try #require(built["concerts/2003-10-10-autumn/index.html"]).contains(#"<a href="../../conductors/ben-okafor/">Ben Okafor</a></p>"#))
        // An open tenure, after the last date on record.
        #expect(try #require(built["concerts/2010-01-15-new-year/index.html"]).contains("Chen Wu</a> (the latest on record)"))
        let conductors = try #require(built["conductors/index.html"])
        #expect(conductors.contains("No. 1: <a href=\"ada-lind/\">Ada Lind</a>") && conductors.contains("<li id=\"ben-okafor\"><a href=\"ben-okafor/\">Ben Okafor</a>")
                && conductors.contains("No. 2: <a href=\"chen-wu/\">Chen Wu</a>"))
        #expect(conductors.contains("3 conductors, 2 music directors; the record ends on January 2005."))
        let ben = try #require(built["conductors/ben-okafor/index.html"])
        #expect(ben.contains("From 2001 to January 2005") && ben.contains(#"href="../../concerts/#tenure-ben-okafor""#))
        let concerts = try #require(built["concerts/index.html"])
        #expect(concerts.components(separatedBy: "<h2 id=\"year-").count - 1 == 7)
        #expect(concerts.contains(#"<li id="tenure-chen-wu">January 2005: <a href="../conductors/chen-wu/">Chen Wu</a> begins (music director no. 2)</li>"#))
        let works = try #require(built["works/index.html"])
        #expect(works.contains(#"<h2 id="letter-b">B</h2>"#) && works.contains(#"<h2 id="letter-s">S</h2>"#))
        #expect(works.contains("<p>First played here in <em>1995</em>.</p>"))
        #expect(works.contains(#"Played at: <a href="../concerts/1995-05-12-spring-gala/">Spring gala</a>, <a href="../concerts/2003-10-10-autumn/">Autumn concert</a>"#))
    }

    /// Links may point at what the declarations put on folder pages: an item's row, a merged item's, a group.
    @Test func linksToRowsAndGroupsOfFolderPagesAreChecked() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        try site.write("content/about.md", "---\ntitle: About\n---\n\n[Boléro](works/index.md#bolero), [a tenure](concerts/index.md#tenure-chen-wu), [2003](concerts/index.md#year-2003), [no such row](works/index.md#bolro).\n")
        let report = site.build()
        #expect(report.errors.map(\.description) == ["content/about.md:5:117: error: works/index.md has no heading or anchor #bolro; did you mean #bolero?"])
    }

    /// Every mistake of the declarations at once, each at its own line and column.
    @Test func mistakesInTheDeclarationsAreReportedTogetherAtTheirPlaces() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        var settings = try String(contentsOf: site.root.appendingPathComponent("content/site.yaml"), encoding: .utf8)
        settings = settings.replacingOccurrences(of: "      from: date\n", with: "      from: dte\n")
            .replacingOccurrences(of: "    group_by: year\n", with: "    group_by: yaer\n")
            .replacingOccurrences(of: "      conductor: {during: conductors, inverse: concerts}", with: "      conductor: {during: conductrs, inverse: concerts}")
        try site.write("content/site.yaml", settings)
        let report = site.build()
        let errors = report.errors.filter { $0.path == "content/site.yaml" }.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.message)" }
        #expect(errors.count == 3, "\(report.summary)")
        #expect(errors.contains { $0.hasPrefix("16:13 unknown type `dte`") && $0.hasSuffix("did you mean `date`?") })
        #expect(errors.contains { $0.hasPrefix("38:15 `group_by` is decade, year, month, letter or a text field of `concerts`, not yaer; did you mean `year`?") })
        #expect(errors.contains { $0.hasPrefix("35:7 `during` names `conductrs`, which is not a collection; did you mean `conductors`?") })
        #expect(!report.succeeded && !FileManager.default.fileExists(atPath: site.root.appendingPathComponent("public").path))
    }

    /// The same diagnostics in the preview server, where the overlay shows them.
    @Test func aWrongTypeIsReportedByThePreviewAtItsValue() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        let live = LiveSite(options: BuildOptions(jobs: 2, workingDirectory: site.root.path))
        #expect(live.rebuild().succeeded)
        try site.write("content/works/bolero.md", "---\ntitle: Boléro\ncomposer: Maurice Ravel\nyear: nineteen\n---\n\nText.\n")
        let update = live.rebuild(after: .files([site.root.appendingPathComponent("content/works/bolero.md").path]))
        #expect(!update.succeeded)
        #expect(update.diagnostics.map(\.description) == ["content/works/bolero.md:4:7: error: `year` must be a number, such as 3 or 2.5"])
    }

    /// The names templates may use derive from the declarations: a misspelt field or relation is a warning at
    /// its tag with the nearest declared name, and a field that some collection declares is not.
    @Test func aMisspeltFieldInATemplateIsAWarningWithTheNearestName() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        try site.write("templates/concert.mustache", "<h1>{{page.title}}</h1>\n<p>{{page.fields.venue}} {{page.fields.veneu}} {{#page.conductr}}x{{/page.conductr}}</p>\n")
        let report = site.build()
        #expect(report.warnings.map(\.description) == [
            "templates/concert.mustache:2:26: warning: no page's values have `page.fields.veneu`; it renders as nothing; did you mean `page.fields.venue`?",
            "templates/concert.mustache:2:48: warning: no page's values have `page.conductr`; it renders as nothing; did you mean `page.conductor`?",
        ])
    }

    /// Sources typed once, cited by key: the notes made from the registry, one note for one source cited twice,
    /// the checks of keys, of sources nobody cites or nobody can follow, of paragraphs without a source, the
    /// sources page with the pages citing each, and JSON-LD with the citations.
    @Test func sourcesAreCitedByKeyAndChecked() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        var settings = try String(contentsOf: site.root.appendingPathComponent("content/site.yaml"), encoding: .utf8)
        settings = settings.replacingOccurrences(of: "    start: on\n", with: "    start: on\n    require_citations: true\n")
        settings += """
              sources:
                folder: sources
                item_pages: false
                list_layout: sources
                citable: true
                fields:
                  kind: {type: text, required: true}
                  title: {type: text, required: true}
                  publisher: text
                  date: date
                  url: url
                  archive_url: url
                order: title
                group_by: kind
                schema: {type: CreativeWork, name: title, url: url, datePublished: date, publisher: {type: Organization, name: publisher}}

            """
        try site.write("content/site.yaml", settings)
        try site.write("content/sources/index.md", "---\ntitle: Sources\n---\n\nEvery source.\n")
        try site.write("content/sources/gazette-1995.md", "---\nkind: news article\ntitle: A gala \"to remember\"\npublisher: The Gazette\ndate: 1995-05-13\nurl: https://example.org/gazette/1995\narchive_url: https://archive.example.org/gazette/1995\n---\n")
        try site.write("content/sources/programme.md", "---\nkind: programme\ntitle: Season programme\n---\n")
        try site.write("content/sources/unused.md", "---\nkind: web page\ntitle: Nobody cites this\nurl: https://example.org/x\n---\n")
        try site.write("templates/sources.mustache", "<h1>{{page.title}}</h1>{{#list.groups}}<h2 id=\"{{id}}\">{{label}}</h2>{{#entries}}<p id=\"{{id}}\">{{title}}: {{#cited_by}}<a href=\"{{href}}\">{{title}}</a>{{/cited_by}}</p>{{/entries}}{{/list.groups}}\n")
        try site.write("templates/base.mustache", "<!DOCTYPE html><html lang=\"{{language}}\"><head><title>{{title}}</title>{{#json_ld}}<script type=\"application/ld+json\">{{{json_ld}}}</script>{{/json_ld}}</head><body><main id=\"main\">{{{main}}}</main></body></html>\n")
        try site.write("content/concerts/1995-05-12-spring-gala.md", """
            ---
            title: Spring gala
            on: 1995-05-12
            ---

            A gala evening.[^@gazette-1995] It sold out.[^@gazette-1995, p. 2]

            The same night.[^@gazette-1995] The programme[^@programme] listed it.

            A paragraph with no source.

            """)
        try site.write("content/concerts/2010-01-15-new-year.md", "---\ntitle: New Year concert\non: 2010-01-15\n---\n\nWaltzes.[^@gazete-1995]\n")
        var report = site.build()
        #expect(report.errors.map(\.description) == ["content/concerts/2010-01-15-new-year.md:6:9: error: no source has the key `gazete-1995` (sources are the files of sources/, keyed by file name); did you mean @gazette-1995?"])
        try site.write("content/concerts/2010-01-15-new-year.md", "---\ntitle: New Year concert\non: 2010-01-15\n---\n\nWaltzes.[^@gazette-1995]\n")
        report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        let warnings = report.warnings.map(\.description)
        #expect(warnings.contains("content/concerts/1995-05-12-spring-gala.md:10:1: warning: this paragraph cites no source: add [^@KEY] (items of `concerts` cite every paragraph)"))
        #expect(warnings.contains { $0.hasPrefix("content/concerts/2000-03-03-interregnum.md:7:1: warning: this paragraph cites no source") })
        #expect(warnings.contains("content/sources/unused.md:1:1: warning: no page cites this source (cite it as [^@unused], or remove it)"))
        #expect(warnings.contains { $0.hasPrefix("content/sources/programme.md:2:7: warning: a reader cannot follow this source: give it `url` or `archive_url`") })
        #expect(!warnings.contains { $0.contains("gazette-1995.md") })

        let gala = String(decoding: try #require(site.snapshot()["concerts/1995-05-12-spring-gala/index.html"]).0, as: UTF8.self)
        // One note for the source cited twice with the same label (two back-links), another for the pinpoint.
        #expect(gala.components(separatedBy: "<li id=\"fn-").count - 1 == 3, "\(gala)")
        #expect(gala.contains(#"The Gazette, <a href="https://example.org/gazette/1995">“A gala "to remember"”</a>, 13 May 1995 (<a href="https://archive.example.org/gazette/1995">archived copy</a>)."#)
                || gala.contains(#"The Gazette, <a href="https://example.org/gazette/1995">“A gala &quot;to remember&quot;”</a>, 13 May 1995 (<a href="https://archive.example.org/gazette/1995">archived copy</a>)."#), "\(gala)")
        #expect(gala.contains("13 May 1995, p. 2 ("))
        #expect(gala.components(separatedBy: "class=\"footnote-backref\"").count - 1 == 4, "\(gala)")
        let sources = String(decoding: try #require(site.snapshot()["sources/index.html"]).0, as: UTF8.self)
        #expect(sources.contains(#"<p id="gazette-1995">A gala &quot;to remember&quot;: <a href="../concerts/1995-05-12-spring-gala/">Spring gala</a><a href="../concerts/2010-01-15-new-year/">New Year concert</a></p>"#), "\(sources)")
        #expect(sources.contains(#"<h2 id="group-news-article">news article</h2>"#))
        // JSON-LD: valid JSON with the page's citations as CreativeWorks.
        let script = try #require(gala.range(of: "<script type=\"application/ld+json\">").map { gala[$0.upperBound...] }?.components(separatedBy: "</script>").first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(script.utf8)) as? [String: Any])
        let page = try #require((json["@graph"] as? [[String: Any]])?.first)
        #expect(page["@type"] as? String == "Article")
        let citations = try #require(page["citation"] as? [[String: Any]])
        #expect(citations.map { $0["name"] as? String } == ["A gala \"to remember\"", "Season programme"])
        #expect((citations.first?["publisher"] as? [String: Any])?["name"] as? String == "The Gazette")
        #expect(citations.last?["publisher"] == nil)
    }

    /// A folder page that shows its items' text is rendered again when an item's text changes, by `build` (the
    /// record of the last build) and by `serve`, though the item has a page of its own.
    @Test func aFolderPageShowingItemsTextIsNotLeftStale() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        try site.write("templates/conductors.mustache", "<h1>{{page.title}}</h1><ol>{{#list.items}}<li id=\"{{id}}\">{{title}}<div>{{{body}}}</div></li>{{/list.items}}</ol>\n")
        #expect(site.build().succeeded)
        let live = LiveSite(options: BuildOptions(jobs: 2, workingDirectory: site.root.path))
        #expect(live.rebuild().succeeded)
        UpToDateTests.letTimePass()
        try site.write("content/conductors/ada-lind.md", "---\nname: Ada Lind\nrole: Music director\nfrom: 1990-09-01\nto: 1999-06-30\n---\n\nA new sentence.\n")
        #expect(site.build().succeeded)
        let built = String(decoding: try #require(site.snapshot()["conductors/index.html"]).0, as: UTF8.self)
        #expect(built.contains("<p>A new sentence.</p>"))
        let update = live.rebuild(after: .files([site.root.appendingPathComponent("content/conductors/ada-lind.md").path]))
        #expect(update.succeeded && update.rendered == 2, "\(update.rendered)")
        #expect(String(decoding: try #require(live.files["conductors/index.html"]), as: UTF8.self) == built)

        // A mutation: the folder page's read of Ada Lind forgotten, the next edit leaves it stale, and
        // the comparison with a clean build finds it.
        live.forgetRead(of: "conductors/ada-lind.md", by: "conductors/index.md")
        try site.write("content/conductors/ada-lind.md", "---\nname: Ada Lind\nrole: Music director\nfrom: 1990-09-01\nto: 1999-06-30\n---\n\nAnother sentence.\n")
        #expect(live.rebuild(after: .files([site.root.appendingPathComponent("content/conductors/ada-lind.md").path])).succeeded)
        UpToDateTests.letTimePass()
        #expect(site.build().succeeded)
        let clean = String(decoding: try #require(site.snapshot()["conductors/index.html"]).0, as: UTF8.self)
        #expect(clean.contains("Another sentence.") && String(decoding: live.files["conductors/index.html"]!, as: UTF8.self) != clean)
    }

    /// Titles starting with a digit, a letter with a diacritic or another character: one group each, in order.
    @Test func lettersGroupDigitsAndDiacriticsWithoutSharingAnId() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        for (file, title) in [("overture", "1812 Overture"), ("elegie", "Élégie"), ("oedipus", "Ödipus"), ("ave", "¡Ave!")] {
            try site.write("content/works/\(file).md", "---\ntitle: \"\(title)\"\ncomposer: Someone\n---\n\nText.\n")
        }
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        let works = String(decoding: try #require(site.snapshot()["works/index.html"]).0, as: UTF8.self)
        let ids = works.components(separatedBy: "<h2 id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids == ["letter-digits", "letter-b", "letter-e", "letter-o", "letter-s", "letter-other"])
    }

    /// Mistakes of the declarations that used to pass or cascade: a relation named like a value every item has,
    /// a misspelt type (one error, not one per item), two collections' rows with the same anchor.
    @Test func declarationsRefuseHiddenNamesAndClashingAnchors() throws {
        let site = try TemporarySite(fixture: "orchestra")
        defer { site.remove() }
        var settings = try String(contentsOf: site.root.appendingPathComponent("content/site.yaml"), encoding: .utf8)
        settings = settings.replacingOccurrences(of: "      conductor: {during: conductors, inverse: concerts}", with: "      next: {during: conductors, inverse: concerts}")
            .replacingOccurrences(of: "      venue: text", with: "      venue: txt")
            .replacingOccurrences(of: "{anchor_prefix: tenure-}", with: "{}")
        try site.write("content/site.yaml", settings)
        try site.write("content/conductors/spring-gala.md", "---\nname: A. Gala\nrole: Guest\nfrom: 1995-01\n---\n\nText.\n")
        try site.write("content/concerts/spring-gala.md", "---\ntitle: Gala\non: 1996\n---\n\nText.\n")
        let report = site.build()
        let errors = report.errors.map(\.description)
        #expect(errors.contains { $0.hasPrefix("content/site.yaml:35:7: error: relation `next` has the name of a value every item has in templates") }, "\(report.summary)")
        #expect(errors.contains { $0.hasPrefix("content/site.yaml:30:14: error: unknown type `txt`") })
        #expect(!errors.contains { $0.contains("Riverside Hall") })
        #expect(errors.contains { $0.contains("would have the anchor #spring-gala") })
    }

    /// `[^@KEY]` in code is text to show, not a citation; lines and columns count from the body's first line.
    @Test func citationsAreFoundOutsideCodeOnly() {
        let found = SourceRegistry.citations(in: "A.[^@a] `[^@b]` and ``x`[^@e]``\n```\n[^@c]\n```\nÉ.[^@d, p. 2]\n", firstLine: 5)
        #expect(found.map(\.key) == ["a", "d"])
        #expect(found.map { "\($0.location.line):\($0.location.column)" } == ["5:3", "9:3"])
        #expect(found.map(\.pinpoint) == [nil, "p. 2"])
    }
}
