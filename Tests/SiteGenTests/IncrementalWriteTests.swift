import Foundation
import Testing
@testable import SiteGen

/// A rebuild writes only what changed, each file replaced whole, and converges to a clean build whatever
/// stopped the one before.
struct IncrementalWriteTests {
    /// Inode, modification time (to the nanosecond) and size of every file and folder below `folder`.
    static func identities(of folder: URL) -> [String: [Int]] {
        var found: [String: [Int]] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return found }
        while let relative = enumerator.nextObject() as? String {
            var status = stat()
            guard lstat(folder.path + "/" + relative, &status) == 0 else { continue }
            found[relative] = [Int(status.st_ino), Int(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec), Int(status.st_size)]
        }
        return found
    }

    static func contents(of folder: URL) -> [String: Data] { TemporarySite.snapshot(of: folder).mapValues(\.0) }

    @Test func aRebuildWithNothingChangedTouchesNothing() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let first = site.build()
        #expect(first.succeeded && first.written == WriteSummary(written: 8))
        let before = Self.identities(of: site.root.appendingPathComponent("public"))
        let again = site.build()
        #expect(again.succeeded && again.written == WriteSummary(unchanged: 8, writtenPaths: []))
        #expect(Self.identities(of: site.root.appendingPathComponent("public")) == before)
    }

    @Test func anEditedPageIsTheOnlyFileReplaced() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let public_ = site.root.appendingPathComponent("public")
        let before = Self.identities(of: public_)
        let dean = try String(contentsOf: site.root.appendingPathComponent("content/ambassadors/dean.md"), encoding: .utf8)
        try site.write("content/ambassadors/dean.md", dean + "\nOne more sentence.\n")
        let report = site.build()
        #expect(report.succeeded && report.written == WriteSummary(written: 1, unchanged: 7, writtenPaths: ["ambassadors/dean/index.html", ".sitegen-output"]),
                "\(report.summary)")
        let after = Self.identities(of: public_)
        #expect(after.keys.sorted() == before.keys.sorted())
        let replaced = after.keys.filter { after[$0] != before[$0] }.sorted()
        // The page, its folder (a new entry in it: the rename), and the marker's record of the commit.
        #expect(replaced == [".sitegen-output", "ambassadors/dean", "ambassadors/dean/index.html"])
        #expect(after["ambassadors/dean/index.html"]?[0] != before["ambassadors/dean/index.html"]?[0])  // a new inode: renamed into place
        #expect(try String(contentsOf: public_.appendingPathComponent("ambassadors/dean/index.html"), encoding: .utf8).contains("One more sentence."))
    }

    @Test func aRemovedPageLeavesWithItsFolder() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.delete("content/ambassadors/wright.md")
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(report.written.removed == 1)
        let public_ = site.root.appendingPathComponent("public")
        #expect(!FileManager.default.fileExists(atPath: public_.appendingPathComponent("ambassadors/wright").path))
        let clean = try TemporarySite()
        defer { clean.remove() }
        try clean.delete("content/ambassadors/wright.md")
        #expect(clean.build().succeeded)
        #expect(Self.contents(of: public_) == Self.contents(of: clean.root.appendingPathComponent("public")))
    }

    /// A page that becomes a folder's page and the other way round: a file gives way to a folder.
    @Test func aFileAndAFolderOfOneNameTradePlaces() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/assets/notes", "a file named like a folder\n")
        #expect(site.build().succeeded)
        try site.delete("content/assets/notes")
        try site.write("content/assets/notes/inside.txt", "now a folder\n")
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(try String(contentsOf: site.root.appendingPathComponent("public/assets/notes/inside.txt"), encoding: .utf8) == "now a folder\n")
    }

    /// What a build stopped in the middle of its commit leaves: the folder marked as being written, a
    /// temporary file, a folder made for nothing, a file the site no longer has. The next build removes
    /// them all and publishes exactly what a clean build does.
    @Test func aRebuildAfterAnInterruptedCommitEqualsACleanBuild() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let public_ = site.root.appendingPathComponent("public")
        let record = try String(contentsOf: public_.appendingPathComponent(OutputWriter.markerName), encoding: .utf8)
        try site.write("public/.sitegen-output", record.replacingOccurrences(of: "state: complete", with: "state: writing"))
        try site.write("public/ambassadors/dean/.index.html.sitegen-tmp", "<p>half a pa")
        try site.write("public/gone/index.html", "a page the site no longer has")
        try FileManager.default.createDirectory(at: public_.appendingPathComponent("made/for/nothing"), withIntermediateDirectories: true)
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(Self.contents(of: public_) == Self.contents(of: TemporarySite.fixtures.appendingPathComponent("minimal/expected")))
        // Folders too: none is left that the site does not have.
        #expect(Self.identities(of: public_).keys.sorted() == Self.identities(of: TemporarySite.fixtures.appendingPathComponent("minimal/expected")).keys.sorted())
    }

    /// An output folder of an older sitegen (an empty marker) is rebuilt in place, keeping unchanged files.
    @Test func aFolderWithAnEmptyMarkerIsTakenOver() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.write("public/.sitegen-output", "")
        try site.write("public/old-page/index.html", "left by an older build")
        let report = site.build()
        #expect(report.succeeded && report.written == WriteSummary(written: 0, unchanged: 8, removed: 1, writtenPaths: [".sitegen-output"]), "\(report.written)")
        #expect(Self.contents(of: site.root.appendingPathComponent("public")) == Self.contents(of: TemporarySite.fixtures.appendingPathComponent("minimal/expected")))
    }

    @Test func temporaryNamesAreHiddenAndInTheSameFolder() {
        #expect(OutputWriter.temporaryName(for: "a/b/index.html") == "a/b/.index.html.sitegen-tmp")
        #expect(OutputWriter.temporaryName(for: "robots.txt") == ".robots.txt.sitegen-tmp")
    }
}

/// A build whose inputs and published files are exactly as the last successful build left them writes
/// nothing and gives that build's warnings again; any change, however small, means a full build.
struct UpToDateTests {
    /// Sets every file's times below `folder` back by a minute: nothing then looks freshly changed.
    static func age(_ folder: URL) {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return }
        let past = Date().addingTimeInterval(-60)
        while let relative = enumerator.nextObject() as? String {
            try? FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: folder.path + "/" + relative)
        }
    }

    /// Waits until the change times of what was just written are more than two seconds old.
    static func letTimePass() { Thread.sleep(forTimeInterval: 3.1) }

    /// A file's identity in the record is its numbers as decimal text, times as seconds.nanoseconds: the
    /// digit-by-digit writer gives what interpolation gives, for extreme values too (a time before 1970, an
    /// inode number above Int64's range, zeros).
    @Test(arguments: [UInt64(0), 7, 123_456_789, UInt64.max]) func anIdentityIsItsNumbersAsText(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var status = stat()
        status.st_size = seed == 0 ? 0 : Int(truncatingIfNeeded: random.next() >> 1)
        status.st_ino = seed == UInt64.max ? UInt(UInt64.max) : UInt(random.next())
        status.st_mtim = timespec(tv_sec: seed == 7 ? -86_400 * 365 * 10 : Int(truncatingIfNeeded: random.next() >> 33), tv_nsec: Int(random.next() % 1_000_000_000))
        status.st_ctim = timespec(tv_sec: seed == 0 ? 0 : Int(truncatingIfNeeded: random.next() >> 33), tv_nsec: seed == 0 ? 0 : 5)
        let interpolated = "\(status.st_size) \(status.st_ino) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ctim.tv_sec).\(status.st_ctim.tv_nsec)"
        #expect(InputRecord.identityText(status) == interpolated)
    }

    @Test func aRebuildWithNothingChangedReadsNothingAndRepeatsTheWarnings() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/about.md", "---\ntitle: About\ntitel: x\n---\nBody.\n")
        Self.age(site.root)
        Self.letTimePass()
        let first = site.build()
        #expect(first.succeeded && !first.upToDate && first.warnings.count == 1)
        let before = IncrementalWriteTests.identities(of: site.root.appendingPathComponent("public"))
        let again = site.build()
        #expect(again.upToDate, "\(again.summary)")
        #expect(again.warnings.map(\.description) == first.warnings.map(\.description))
        #expect(again.pages == first.pages && again.files == first.files)
        #expect(IncrementalWriteTests.identities(of: site.root.appendingPathComponent("public")) == before)
    }

    @Test func anyChangeMeansAFullBuild() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        Self.age(site.root)
        Self.letTimePass()
        #expect(site.build().succeeded)
        #expect(site.build().upToDate)
        // A published file removed by hand comes back.
        try site.delete("public/robots.txt")
        let restored = site.build()
        #expect(!restored.upToDate && restored.written.written == 1)
        // Another base URL shapes the output: not up to date.
        Self.letTimePass()
        #expect(site.build().upToDate)
        #expect(!site.build(baseURL: "https://example.org/").upToDate)
        // A content file with the same bytes but touched: its times changed, so it is read again.
        #expect(!site.build().upToDate)  // back from the base URL's build
        Self.letTimePass()
        #expect(site.build().upToDate)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-30)],
                                              ofItemAtPath: site.root.appendingPathComponent("content/index.md").path)
        let touched = site.build()
        #expect(!touched.upToDate && touched.written.written == 0)
    }

    /// A file changed in the seconds before a build cannot be told apart from the record by its times: such
    /// a build is a full one and leaves no record.
    @Test func aFreshlyChangedInputIsNotTrusted() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)  // the fixture's files were just copied
        #expect(!site.build().upToDate)
    }
}

/// A rebuild after Markdown pages were edited renders only the pages that show them, when every edited page
/// looks the same to the others (`PublishedPages`); the rest are kept as published. The output is always the
/// clean build's.
struct KeptPagesTests {
    /// A site built once with nothing fresh, so that the next build can trust the record of this one.
    static func builtSite() throws -> TemporarySite {
        let site = try TemporarySite()
        UpToDateTests.age(site.root)
        UpToDateTests.letTimePass()
        let first = site.build()
        #expect(first.succeeded && first.rendered == first.files, "\(first.summary)")
        return site
    }

    /// The published folder holds exactly what a clean build of the same sources writes.
    static func expectCleanBuild(_ site: TemporarySite, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let clean = site.build(output: "clean")
        #expect(clean.succeeded && clean.rendered == clean.files, sourceLocation: sourceLocation)
        #expect(IncrementalWriteTests.contents(of: site.root.appendingPathComponent("public"))
                == IncrementalWriteTests.contents(of: site.root.appendingPathComponent("clean")), sourceLocation: sourceLocation)
        try? site.delete("clean")
    }

    static func edit(_ site: TemporarySite, _ path: String, _ change: (String) -> String) throws {
        let text = try String(contentsOf: site.root.appendingPathComponent(path), encoding: .utf8)
        try site.write(path, change(text))
    }

    @Test func anEditedPageIsTheOnlyPageRendered() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        let public_ = site.root.appendingPathComponent("public")
        let before = IncrementalWriteTests.identities(of: public_)
        // Saved just now: its times cannot be trusted, so it counts as edited.
        try Self.edit(site, "content/ambassadors/dean.md") { $0 + "\nOne more sentence.\n" }
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        // Dean's page, the not-found page, robots.txt and the stylesheet: no other page's templates read
        // Dean's text (the record of what each page read says so); the other four pages are kept.
        #expect(report.rendered == 4 && report.files == 8, "rendered \(report.rendered) of \(report.files)")
        #expect(report.written == WriteSummary(written: 1, unchanged: 7, writtenPaths: ["ambassadors/dean/index.html", ".sitegen-output"]))
        let after = IncrementalWriteTests.identities(of: public_)
        #expect(after.keys.filter { after[$0] != before[$0] }.sorted() == [".sitegen-output", "ambassadors/dean", "ambassadors/dean/index.html"])
        Self.expectCleanBuild(site)
        // Edited again once its times are old enough to be compared: the same.
        try Self.edit(site, "content/ambassadors/dean.md") { $0 + "\nAnd another.\n" }
        UpToDateTests.letTimePass()
        let again = site.build()
        #expect(again.succeeded && again.rendered == 4 && again.written == WriteSummary(written: 1, unchanged: 7, writtenPaths: ["ambassadors/dean/index.html", ".sitegen-output"]),
                "\(again.summary)")
        Self.expectCleanBuild(site)
        // A plain page's edit renders that page alone.
        try Self.edit(site, "content/index.md") { $0 + "\nOne more sentence.\n" }
        let plain = site.build()
        #expect(plain.succeeded && plain.rendered == 4 && plain.written == WriteSummary(written: 1, unchanged: 7, writtenPaths: ["index.html", ".sitegen-output"]),
                "\(plain.summary)")
        Self.expectCleanBuild(site)
        // The record keeps each published file's identity: those of the files left as they were, from before the
        // build, the others looked at again. The next build finds them the same, and has nothing to do.
        let record = try #require(InputRecord.read(from: OutputWriter(output: public_, displayPath: "public", jobs: 2).recordPath))
        let paths = try #require(try OutputWriter(output: public_, displayPath: "public", jobs: 2).publishedPaths())
        #expect(record.outputs == InputRecord.outputs(paths, in: public_, jobs: 2))
        // (The next build may read index.md again, saved too recently to be told unchanged by its times.)
        UpToDateTests.letTimePass()
        _ = site.build()
        #expect(site.build().upToDate)
    }

    /// The record's output identities: a file the build left as it was keeps the identity found before it
    /// (here a made-up one, to tell it from a fresh look), a file it wrote is looked at again, and a path with
    /// neither is looked at.
    @Test func theOutputsLeftAsTheyWereKeepTheirIdentityFromBefore() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        let public_ = site.root.appendingPathComponent("public")
        let paths = try #require(try OutputWriter(output: public_, displayPath: "public", jobs: 2).publishedPaths())
        let fresh = try #require(InputRecord.outputs(paths, in: public_, jobs: 2))
        let identities = Dictionary(uniqueKeysWithValues: fresh.split(separator: "\n").map { line in
            (String(line.split(separator: "\t")[0]), String(line.split(separator: "\t")[1]))
        })
        let known = ["index.html\t1 2 3.4 5.6", "robots.txt\t7 8 9.1 2.3"].joined(separator: "\n")
        let outputs = try #require(InputRecord.outputs(paths, in: public_, jobs: 2, known: known, rewritten: ["robots.txt"]))
        let lines = Dictionary(uniqueKeysWithValues: outputs.split(separator: "\n").map { line in
            (String(line.split(separator: "\t")[0]), String(line.split(separator: "\t")[1]))
        })
        #expect(lines["index.html"] == "1 2 3.4 5.6")
        #expect(lines["robots.txt"] == identities["robots.txt"])
        #expect(lines.count == paths.count && lines.filter { $0.key != "index.html" } == identities.filter { $0.key != "index.html" })
        // Without the list of files written, every file is looked at.
        #expect(InputRecord.outputs(paths, in: public_, jobs: 2, known: known, rewritten: nil) == fresh)
    }

    @Test func anEditedEventRendersThePageThatShowsItsText() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        try Self.edit(site, "content/timeline/1961.md") { $0.replacingOccurrences(of: "Something in 1961.", with: "Something else in 1961.") }
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        // The timeline, whose template read the event's text at the last build, and the three site-wide files;
        // the chiefs' pages show the event's title, which did not change, and are kept with the others.
        #expect(report.rendered == 4, "rendered \(report.rendered) of \(report.files)")
        Self.expectCleanBuild(site)
    }

    /// A chief's name is shown on the pages that read it (its own, the list of chiefs), which are rendered
    /// again; the others are kept, and the site is the clean build's.
    @Test func aTitleEditRendersThePagesThatReadIt() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        try Self.edit(site, "content/ambassadors/dean.md") { $0.replacingOccurrences(of: "name: John Dean", with: "name: John W. Dean") }
        let report = site.build()
        #expect(report.succeeded && report.rendered < report.files, "\(report.summary)")
        #expect(report.written.written >= 2, "\(report.written)")
        Self.expectCleanBuild(site)
    }

    @Test func aChangedTemplateOrSettingsMeansEveryPageRendered() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        try Self.edit(site, "templates/page.mustache") { $0 + "\n" }
        try Self.edit(site, "content/ambassadors/dean.md") { $0 + "\nOne more sentence.\n" }
        let report = site.build()
        #expect(report.succeeded && report.rendered == report.files, "\(report.summary)")
        Self.expectCleanBuild(site)
        try Self.edit(site, "content/site.yaml") { $0 + "\n" }
        try Self.edit(site, "content/ambassadors/dean.md") { $0 + "\nAnd another.\n" }
        let settings = site.build()
        #expect(settings.succeeded && settings.rendered == settings.files, "\(settings.summary)")
        Self.expectCleanBuild(site)
    }

    /// A published page changed by hand is not what the record says: nothing is kept, and the page is mended.
    @Test func aPublishedPageChangedByHandIsRenderedAgain() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        try site.write("public/ambassadors/wright/index.html", "changed by hand")
        try Self.edit(site, "content/ambassadors/dean.md") { $0 + "\nOne more sentence.\n" }
        let report = site.build()
        #expect(report.succeeded && report.rendered == report.files && report.written.written == 2, "\(report.summary)")
        Self.expectCleanBuild(site)
    }

    /// Edits of the project's own pages, one kind at random after another, each built at once (so the edited
    /// files are too fresh to trust and count as edited again at the next build): every build's output is
    /// the clean build's, and some of them kept pages.
    @Test(arguments: [1, 2] as [UInt64]) func randomEditsOfTheSiteGiveTheCleanBuild(seed: UInt64) throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        UpToDateTests.age(site.root)
        UpToDateTests.letTimePass()
        #expect(site.build().succeeded)
        var random = SplitMix64(seed: seed)
        let content = site.root.appendingPathComponent("content")
        var partial = 0
        for step in 0..<20 {
            let pages = (FileManager.default.enumerator(atPath: content.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".md") }.sorted()
            let page = "content/" + random.pick(pages)
            switch random.below(7) {
            case 5, 6:
                // A declared field: kept only if the site still builds (a term that now ends before it starts does not).
                let saved = try String(contentsOf: site.root.appendingPathComponent(page), encoding: .utf8)
                try Self.edit(site, page) { FieldEdits.edit($0, path: String(page.dropFirst("content/".count)), pages: pages, random: &random) }
                if !site.build(check: true).succeeded { try site.write(page, saved) }
            case 0, 1: try Self.edit(site, page) { $0 + "\nSentence \(step).\n" }
            case 2: try Self.edit(site, page) { $0 + "\n## Heading \(step)\n\nText.\n" }
            case 3: try Self.edit(site, page) { $0.replacingOccurrences(of: "title: ", with: "title: T\(step) ") }
            default: try site.write("content/added-\(step).md", "---\ntitle: Added \(step)\n---\n\nA new page.\n")
            }
            let report = site.build()
            #expect(report.succeeded, "step \(step): \(report.summary)")
            if report.rendered < report.files { partial += 1 }
            Self.expectCleanBuild(site)
        }
        #expect(partial > 0)
    }

    /// A sink that does not keep what it published (`SiteSink.keep` is nil) is given every file rendered.
    @Test func aSinkThatKeepsNothingGetsEveryFileRendered() throws {
        let site = try Self.builtSite()
        defer { site.remove() }
        try Self.edit(site, "content/ambassadors/dean.md") { $0 + "\nOne more sentence.\n" }
        let options = BuildOptions(jobs: 2, workingDirectory: site.root.path)
        let output = site.root.appendingPathComponent("public")
        let record = try #require(InputRecord.read(from: OutputWriter(output: output, displayPath: "public", jobs: 2).recordPath))
        let inputs = InputRecord.inputs(content: site.root.appendingPathComponent("content"), templates: site.root.appendingPathComponent("templates"),
                                        options: record.inputs.options, now: timespec(tv_sec: Int(Date().timeIntervalSince1970), tv_nsec: 0))
        let published = (try OutputWriter(output: output, displayPath: "public", jobs: 2).publishedPaths()).flatMap { InputRecord.outputs($0, in: output, jobs: 2) }
        let kept = try #require(PublishedPages(record: record, inputs: inputs, publishedOutputs: published))
        #expect(!kept.recordedReads.isEmpty)
        let report = SiteBuilder(options: options).build(into: CollectingSink(), keeping: kept)
        #expect(report.succeeded && report.rendered == report.files && report.files == 8, "\(report.summary)")
    }
}

