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
        #expect(again.succeeded && again.written == WriteSummary(unchanged: 8))
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
        #expect(report.succeeded && report.written == WriteSummary(written: 1, unchanged: 7), "\(report.summary)")
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
        #expect(report.succeeded && report.written == WriteSummary(written: 0, unchanged: 8, removed: 1), "\(report.written)")
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
