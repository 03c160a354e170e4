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
        #expect(errors.contains { $0.hasPrefix("38:15 `group_by` is one of decade, year, month, letter, not yaer; did you mean `year`?") })
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
}
