import Foundation
import Testing
@testable import SiteGen

/// The preview server's site: after any sequence of edits it holds exactly what `sitegen build` makes of
/// the same sources, and it renders again only the pages an edit can change.
struct LiveSiteTests {
    /// The project's own site: its content and templates are what editors change all day.
    static let project = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A copy of the project's site in a temporary folder.
    static func projectSite() throws -> TemporarySite {
        let site = try TemporarySite()
        for folder in ["content", "templates"] {
            try FileManager.default.removeItem(at: site.root.appendingPathComponent(folder))
            try FileManager.default.copyItem(at: project.appendingPathComponent(folder), to: site.root.appendingPathComponent(folder))
        }
        return site
    }

    /// Keeps every file a build commits.
    final class RecordingSink: SiteSink, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var files: [String: [UInt8]] = [:]
        func stage(_ file: RenderedFile) throws -> RenderedFile { file }
        func commit(_ staged: [RenderedFile]) throws -> WriteSummary {
            lock.withLock { files = Dictionary(uniqueKeysWithValues: staged.map { ($0.path, $0.bytes) }) }
            return WriteSummary(written: staged.count)
        }
        func discard(_ staged: [RenderedFile]) {}
    }

    /// What a full build makes of the site as it is on disk now.
    static func fullBuild(_ site: TemporarySite) -> (BuildReport, [String: [UInt8]]) {
        let sink = RecordingSink()
        let report = SiteBuilder(options: BuildOptions(jobs: 2, workingDirectory: site.root.path)).build(into: sink)
        return (report, sink.files)
    }

    /// The paths whose bytes differ, or that only one of the two has (bytes would make unreadable messages).
    static func differences(_ a: [String: [UInt8]], _ b: [String: [UInt8]]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    static func live(_ site: TemporarySite) -> LiveSite {
        LiveSite(options: BuildOptions(jobs: 2, workingDirectory: site.root.path))
    }

    /// `live` rebuilt after the files at `paths` (inside the site) were saved, as the watcher reports them.
    static func rebuild(_ live: LiveSite, _ site: TemporarySite, after paths: String...) -> LiveUpdate {
        live.rebuild(after: .files(Set(paths.map { site.root.appendingPathComponent($0).path })))
    }

    func text(_ site: TemporarySite, _ path: String) throws -> String {
        try String(contentsOf: site.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theFirstBuildIsTheFullBuild() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        let update = live.rebuild()
        let (report, files) = Self.fullBuild(site)
        #expect(update.succeeded && report.succeeded, "\(update.diagnostics)")
        #expect(update.renderedAll)
        #expect(update.diagnostics == report.diagnostics)
        #expect(Self.differences(live.files, files) == [])
        #expect(update.changed == files.keys.sorted())
    }

    @Test func aBodyEditRendersOnlyItsPage() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        try site.write("content/missions.md", try text(site, "content/missions.md") + "\nOne more sentence for the test.\n")
        let update = Self.rebuild(live, site, after: "content/missions.md")
        #expect(update.succeeded, "\(update.diagnostics)")
        #expect(!update.renderedAll && update.parsed == 1 && update.rendered == 1)
        #expect(update.quick)
        #expect(update.pagesChanged == ["missions/index.html"])
        // The search index follows the edit: the shards of the words it added and removed.
        #expect(update.changed.contains { $0.hasPrefix(SearchIndex.folder) })
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
    }

    @Test func anEventEditRendersTheTimelineAndTheChiefsPages() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        let event = "content/timeline/2006-11-13-mcc-compact-signed.md"
        try site.write(event, try text(site, event) + "\nA sentence only the timeline shows.\n")
        let update = Self.rebuild(live, site, after: event)
        let chiefs = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("content/ambassadors").path)
            .count { $0.hasSuffix(".md") && $0 != "index.md" }
        #expect(update.succeeded && !update.renderedAll && update.quick)
        // The timeline alone reads the event's text (the chiefs' pages show its title and date, which did not
        // change): it is the one page rendered.
        #expect(chiefs > 20 && update.rendered == 1, "\(update.rendered)")
        #expect(update.pagesChanged == ["timeline/index.html"])
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
    }

    /// A page in the navigation: every page shows its title there, and every page is rendered again, through
    /// what each read (not because every page is always rendered).
    @Test func aNavigationTitleEditRendersThePagesShowingIt() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        try site.write("content/missions.md", try text(site, "content/missions.md").replacingOccurrences(of: "title: ", with: "title: Renamed "))
        let update = Self.rebuild(live, site, after: "content/missions.md")
        #expect(update.succeeded && !update.renderedAll && update.parsed == 1 && !update.quick)
        #expect(update.rendered > 20, "\(update.rendered)")
        // Every page's navigation names it.
        #expect(update.changed.count { $0.hasSuffix(".html") } > 20)
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
    }

    @Test func aTitleOnlyBreadcrumbsShowRendersThosePagesOnly() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        try site.write("content/notes/index.md", "---\ntitle: Notes\n---\n\nSee [a note](a.md).\n")
        try site.write("content/notes/a.md", "---\ntitle: A note\n---\n\nText.\n")
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        try site.write("content/notes/index.md", "---\ntitle: Working notes\n---\n\nSee [a note](a.md).\n")
        let update = Self.rebuild(live, site, after: "content/notes/index.md")
        #expect(update.succeeded && !update.renderedAll && !update.quick)
        // The section's page and the page whose breadcrumbs name it: nothing else shows its title.
        #expect(update.rendered == 2 && update.pagesChanged == ["notes/a/index.html", "notes/index.html"])
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
    }

    @Test func aNewHeadingRendersItsPageAndChecksLinksAgain() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        try site.write("content/missions.md", try text(site, "content/missions.md") + "\n## A new section\n\nText.\n")
        try site.write("content/about.md", try text(site, "content/about.md") + "\nSee [the new section](missions.md#a-new-section).\n")
        let update = Self.rebuild(live, site, after: "content/missions.md", "content/about.md")
        #expect(update.succeeded && !update.renderedAll, "\(update.diagnostics)")
        #expect(update.pagesChanged == ["about/index.html", "missions/index.html"])
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
        // The link to the heading is checked against the new anchors: taking the heading away breaks it.
        try site.write("content/missions.md", try text(site, "content/missions.md").replacingOccurrences(of: "## A new section", with: "Text."))
        let broken = Self.rebuild(live, site, after: "content/missions.md")
        #expect(!broken.succeeded && broken.diagnostics.contains { $0.message.contains("no heading or anchor #a-new-section") })
    }

    @Test func aFailedRebuildKeepsTheLastGoodSiteAndTheNextGoodOneConverges() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        let good = live.files
        let about = try text(site, "content/about.md")
        try site.write("content/about.md", about + "\nA [broken link](no-such-page.md).\n")
        let failed = Self.rebuild(live, site, after: "content/about.md")
        #expect(!failed.succeeded && failed.changed.isEmpty)
        #expect(failed.diagnostics == Self.fullBuild(site).0.diagnostics)
        #expect(Self.differences(live.files, good) == [])
        try site.write("content/about.md", about + "\nFixed.\n")
        let fixed = Self.rebuild(live, site, after: "content/about.md")
        #expect(fixed.succeeded && fixed.pagesChanged == ["about/index.html"])
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
    }

    /// A rebuild that stops at broken settings parses nothing: a page saved then must still be read when the
    /// settings are mended, though the watcher named it only once, in the rebuild that stopped.
    @Test func aPageSavedWhileTheSettingsWereBrokenIsReadWhenTheyAreMended() throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        let settings = try text(site, "content/site.yaml")
        try site.write("content/site.yaml", settings + "\n: not yaml [\n")
        let about = try text(site, "content/about.md")
        try site.write("content/about.md", about + "\nSaved while the settings were broken.\n")
        #expect(!Self.rebuild(live, site, after: "content/site.yaml", "content/about.md").succeeded)
        try site.write("content/site.yaml", settings)
        let mended = Self.rebuild(live, site, after: "content/site.yaml")
        #expect(mended.succeeded)
        #expect(String(decoding: live.files["about/index.html"] ?? [], as: UTF8.self).contains("Saved while the settings were broken."))
        #expect(Self.differences(live.files, Self.fullBuild(site).1) == [])
    }

    /// Random edits, additions, deletions, renames and breakages, each followed by a rebuild told only which
    /// files the watcher saw: the live site must equal a full build after every step.
    @Test(arguments: [1, 2, 3] as [UInt64]) func randomEditsConvergeToTheFullBuild(seed: UInt64) throws {
        let site = try Self.projectSite()
        defer { site.remove() }
        var random = SplitMix64(seed: seed)
        let live = Self.live(site)
        #expect(live.rebuild().succeeded)
        var lastGood = live.files
        let content = site.root.appendingPathComponent("content")
        func markdownFiles() -> [String] {
            (FileManager.default.enumerator(atPath: content.path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".md") }.sorted()
        }
        var added = 0, failures = 0, quick = 0
        // What puts back a deletion, a rename or a breakage once a build has failed because of it.
        var undo: [() throws -> Set<String>] = []
        var lastFailed = false
        func absolute(_ path: String) -> String { site.root.appendingPathComponent(path).path }
        for step in 0..<60 {
            var touched = Set<String>()
            let files = markdownFiles()
            let file = "content/" + random.pick(files)
            let action = lastFailed ? -1 : random.below(13)
            switch action {
            case -1:  // the editor repairs what broke the build
                for repair in undo { touched.formUnion(try repair()) }
                undo.removeAll()
            case 0, 1:  // a sentence added to the body, saved as editors do: a temporary file renamed over it
                let temporary = file + ".tmp~"
                try site.write(temporary, try text(site, file) + "\nSentence \(step).\n")
                try FileManager.default.moveItem(atPath: absolute(temporary), toPath: absolute(file) + ".moving")
                _ = rename(absolute(file) + ".moving", absolute(file))
                touched = [absolute(temporary), absolute(file) + ".moving", absolute(file)]
            case 2:  // a heading added: the page's anchors, so its face, change
                try site.write(file, try text(site, file) + "\n## Heading \(step)\n\nText.\n")
                touched = [absolute(file)]
            case 3:  // the title changed (a quoted title becomes invalid YAML: the repair puts it back)
                let saved = try text(site, file)
                try site.write(file, saved.replacingOccurrences(of: "title: ", with: "title: T\(step) "))
                touched = [absolute(file)]
                undo.append { try site.write(file, saved); return [absolute(file)] }
            case 4:  // a new page linking to an existing one
                added += 1
                let folder = random.pick(["", "ambassadors/", "notes/", "timeline/"])
                let month = 1 + random.below(9)
                let name = folder == "timeline/" ? "2003-0\(month)-10-added-\(added).md" : "added-\(added).md"
                let target = random.pick(files.filter { !$0.hasPrefix("timeline/") && !$0.hasPrefix("ambassadors/") })
                let link = SitePath.relative(from: folder, to: target)
                let front = folder == "ambassadors/" ? "name: Added \(added)\ntitle: Ambassador\ncredentials: 2003-0\(1 + random.below(9))-01"
                    : folder == "timeline/" ? "title: Added \(added)\ndate: 2003-0\(month)-10" : "title: Added \(added)"
                try site.write("content/" + folder + name, "---\n\(front)\n---\n\nSee [a page](\(link)).\n")
                touched = [absolute("content/" + folder + name)]
                if folder == "notes/" { touched.insert(absolute("content/notes")) }
            case 5:  // a page deleted (links to it break: both builds must fail alike, and recover alike)
                let saved = try text(site, file)
                try site.delete(file)
                touched = [absolute(file)]
                undo.append { try site.write(file, saved); return [absolute(file)] }
            case 6:  // a page renamed
                let renamed = file.replacingOccurrences(of: ".md", with: "-renamed.md")
                try FileManager.default.moveItem(atPath: absolute(file), toPath: absolute(renamed))
                touched = [absolute(file), absolute(renamed)]
                undo.append {
                    try FileManager.default.moveItem(atPath: absolute(renamed), toPath: absolute(file))
                    return [absolute(file), absolute(renamed)]
                }
            case 7:  // broken front matter
                let saved = try text(site, file)
                try site.write(file, "---\ntitle: [unclosed\n---\n" + saved)
                touched = [absolute(file)]
                undo.append { try site.write(file, saved); return [absolute(file)] }
            case 9, 10, 11:  // a declared field: a date, a reference, the numbering field, a draft…
                let saved = try text(site, file)
                try site.write(file, FieldEdits.edit(saved, path: String(file.dropFirst("content/".count)), pages: files, random: &random))
                touched = [absolute(file)]
                undo.append { try site.write(file, saved); return [absolute(file)] }
            case 8:  // a template edited
                let footer = "templates/footer.mustache"
                try site.write(footer, try text(site, footer) + "<!-- \(step) -->\n")
                touched = [absolute(footer)]
            default:  // the stylesheet edited
                let style = "templates/assets/style.css"
                try site.write(style, try text(site, style) + "\n/* \(step) */\n")
                touched = [absolute(style)]
            }
            let update = live.rebuild(after: .files(touched))
            if update.quick { quick += 1 }
            if ProcessInfo.processInfo.environment["SITEGEN_DEBUG_EDITS"] != nil { print("DEBUGQ step \(step) action \(action) \(file) quick \(update.quick) ok \(update.succeeded)") }
            let (report, built) = Self.fullBuild(site)
            #expect(update.succeeded == report.succeeded, "step \(step), action \(action): \(update.diagnostics) / \(report.diagnostics)")
            if !report.succeeded, ProcessInfo.processInfo.environment["SITEGEN_DEBUG_EDITS"] != nil { print("step \(step) action \(action): \(report.errors.map(\.description))") }
            #expect(update.diagnostics == report.diagnostics, "step \(step), action \(action)")
            lastFailed = !report.succeeded
            if lastFailed { failures += 1 } else { undo.removeAll() }
            if report.succeeded {
                #expect(Self.differences(live.files, built) == [], "step \(step), action \(action)")
                lastGood = built
            } else {
                #expect(Self.differences(live.files, lastGood) == [], "step \(step), action \(action)")
            }
        }
        // The sequence went through failures and back.
        #expect(failures > 0 && failures < 40, "\(failures) failed rebuilds")
        // And through both kinds of rebuild: the quick one after plain edits, the full one after the rest.
        #expect(quick >= 2 && quick <= 40, "\(quick) quick rebuilds")
    }
}

/// Merged events keep their former anchors.
struct EventAliasTests {
    @Test func anAliasIsAnIdOnTheTimelineAndLinksMayUseIt() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        try site.write("content/about.md", try String(contentsOf: site.root.appendingPathComponent("content/about.md"), encoding: .utf8)
            + "\nSee [the coup](timeline/index.md#2012-03-military-coup-aid-cut-off).\n")
        let (report, files) = LiveSiteTests.fullBuild(site)
        #expect(report.succeeded, "\(report.summary)")
        let timeline = String(decoding: try #require(files["timeline/index.html"]), as: UTF8.self)
        #expect(timeline.contains(#"<li class="event" id="2012-03-22-military-coup"><span id="2012-03-military-coup-aid-cut-off"></span>"#))
    }

    @Test func anAliasThatIsAlreadyAnIdOrNotAnIdIsAnError() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        try site.write("content/timeline/2001-01-01-x.md", "---\ndate: 2001-01-01\ntitle: X\naliases: [2012-03-22-military-coup]\n---\n\nText.\n")
        try site.write("content/timeline/2001-01-02-y.md", "---\ndate: 2001-01-02\ntitle: Y\naliases: [\"a b\"]\n---\n\nText.\n")
        let (report, _) = LiveSiteTests.fullBuild(site)
        #expect(report.errors.map(\.description) == [
            "content/timeline/2001-01-01-x.md:4:11: error: #2012-03-22-military-coup is already an id on timeline/; an anchor field names an anchor that no longer exists",
            "content/timeline/2001-01-02-y.md:4:11: error: `aliases` names anchors such as former-name (letters, digits, - and _), not a b",
        ])
    }
}

/// The timeline's Atom feed, made when the site's address is known.
struct TimelineFeedTests {
    static let base = "https://example.org/mali-us/"

    @Test func everyEventIsAnEntryNewestFirstLinkedFromEveryPage() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let sink = LiveSiteTests.RecordingSink()
        let report = SiteBuilder(options: BuildOptions(baseURL: Self.base, jobs: 2, workingDirectory: site.root.path)).build(into: sink)
        #expect(report.succeeded, "\(report.summary)")
        let feed = String(decoding: try #require(sink.files["timeline/feed.xml"]), as: UTF8.self)
        let events = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("content/timeline").path)
            .filter { $0.hasSuffix(".md") && $0 != "index.md" }
        #expect(feed.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"\(Self.base)timeline/\">"))
        #expect(feed.components(separatedBy: "<entry>").count - 1 == events.count)
        // Newest first, each with its anchor as id and link, and its date as `updated`.
        let first = try #require(feed.range(of: "<entry>")).upperBound
        #expect(feed[first...].hasPrefix("\n    <id>\(Self.base)timeline/#2025-11-13-embassy-operations-resumed</id>"))
        #expect(feed.contains("<updated>2012-03-22T00:00:00Z</updated>"))
        #expect(feed.contains("<link rel=\"alternate\" type=\"text/html\" href=\"\(Self.base)timeline/#2012-03-22-military-coup\"/>"))
        for page in ["index.html", "history/index.html", "ambassadors/john-gunther-dean/index.html"] {
            let html = String(decoding: try #require(sink.files[page]), as: UTF8.self)
            #expect(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Mali–United States relations: timeline\" href=\"\(Self.base)timeline/feed.xml\">"), "\(page)")
        }
        // Without the site's address there is no feed (its ids must be absolute).
        let (_, plain) = LiveSiteTests.fullBuild(site)
        #expect(plain["timeline/feed.xml"] == nil)
    }

    @Test func anEventEditUpdatesTheFeedInServe() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let options = BuildOptions(baseURL: Self.base, jobs: 2, workingDirectory: site.root.path)
        let live = LiveSite(options: options)
        #expect(live.rebuild().succeeded)
        let event = "content/timeline/2006-11-13-mcc-compact-signed.md"
        try site.write(event, try String(contentsOf: site.root.appendingPathComponent(event), encoding: .utf8) + "\nA sentence for the feed.\n")
        let update = LiveSiteTests.rebuild(live, site, after: event)
        #expect(update.succeeded && update.quick)
        #expect(update.pagesChanged == ["timeline/feed.xml", "timeline/index.html"])
        let sink = LiveSiteTests.RecordingSink()
        #expect(SiteBuilder(options: options).build(into: sink).succeeded)
        #expect(LiveSiteTests.differences(live.files, sink.files) == [])
    }
}

extension LiveUpdate {
    /// What changed but the search index, whose shards change with the words of whatever was edited.
    var pagesChanged: [String] { changed.filter { !$0.hasPrefix(SearchIndex.folder) } }
}
