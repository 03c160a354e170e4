import Foundation
import Testing
@testable import SiteGen

/// The output folder's marker is data from the disk, committed with the site and open to anyone's edits:
/// whatever it lists, and whatever links are put into the output, nothing outside the output folder is
/// removed, written or followed.
struct OutputSafetyTests {
    /// A file and a folder beside the site, which no build may touch.
    private static func makeVictims(in site: TemporarySite) throws {
        try site.write("victim.txt", "keep me\n")
        try site.write("victims/inside.txt", "keep me too\n")
    }

    private static func victimsAreThere(in site: TemporarySite) -> Bool {
        let root = site.root.path
        return (try? String(contentsOfFile: root + "/victim.txt", encoding: .utf8)) == "keep me\n"
            && (try? String(contentsOfFile: root + "/victims/inside.txt", encoding: .utf8)) == "keep me too\n"
            && (try? String(contentsOfFile: root + "/content/index.md", encoding: .utf8)) != nil
    }

    static let forgedLines: [(line: String, problem: String)] = [
        ("../victim.txt", "leads out of the output folder"),
        ("../victims", "leads out of the output folder"),
        ("../content/index.md", "leads out of the output folder"),
        ("about/../../victim.txt", "leads out of the output folder"),
        ("./../victim.txt", "has a `.` part"),
        ("/ABSOLUTE/victim.txt", "is an absolute path"),
        ("about//index.html", "has an empty part"),
        ("", "is an empty line"),
        ("about/\u{1B}[2Jindex.html", "holds a control character"),
    ]

    @Test func aForgedMarkerLineIsAnErrorAtItsLineAndRemovesNothing() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try Self.makeVictims(in: site)
        #expect(site.build().succeeded)
        let marker = site.root.appendingPathComponent("public/.sitegen-output")
        let original = try String(contentsOf: marker, encoding: .utf8)
        let originalLines = original.split(separator: "\n").count
        // Every forged line at once, after a page was removed so that the build has something to remove.
        let forged = Self.forgedLines.map { $0.line.replacingOccurrences(of: "/ABSOLUTE", with: site.root.path) }
        try (original + forged.joined(separator: "\n") + "\n").write(to: marker, atomically: true, encoding: .utf8)
        try site.delete("content/ambassadors/wright.md")
        let snapshot = site.snapshot()
        let report = site.build()
        #expect(!report.succeeded)
        #expect(report.errors.count == Self.forgedLines.count, "\(report.summary)")
        for (index, (_, problem)) in Self.forgedLines.enumerated() {
            let error = report.errors.first { $0.line == originalLines + index + 1 }
            #expect(error?.path == "public/.sitegen-output", "\(report.summary)")
            #expect(error?.message.contains(problem) == true, "line \(index): \(error?.message ?? "none")")
        }
        #expect(Self.victimsAreThere(in: site))
        // A failed build changes nothing: the removed page's file is still published, the marker as forged.
        #expect(site.snapshot().mapValues(\.0) == snapshot.mapValues(\.0))
    }

    @Test func aMarkerThatCannotBeReadRemovesOnlyWhatIsInsideTheOutput() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try Self.makeVictims(in: site)
        #expect(site.build().succeeded)
        // Not this version's marker (an older sitegen's): no record of the last commit, so every file is looked
        // at, inside the output only, whatever the file lists.
        let marker = site.root.appendingPathComponent("public/.sitegen-output")
        try Data("an older marker\n../victim.txt\n../victims\n".utf8).write(to: marker)
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/public/leak", withDestinationPath: site.root.path + "/victims")
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(Self.victimsAreThere(in: site))
        // The link was not the site's: removed itself, its folder kept.
        var status = stat()
        #expect(lstat(site.root.path + "/public/leak", &status) != 0)
    }

    @Test func aLinkedFolderInTheOutputIsNeverWrittenThrough() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let elsewhere = site.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("public/ambassadors/dean"))
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/public/ambassadors/dean", withDestinationPath: elsewhere.path)
        let snapshot = site.snapshot()
        // Changed, so that the page is written.
        let dean = try String(contentsOf: site.root.appendingPathComponent("content/ambassadors/dean.md"), encoding: .utf8)
        try site.write("content/ambassadors/dean.md", dean + "\nOne more line.\n")
        let report = site.build()
        #expect(!report.succeeded)
        #expect(report.errors.map(\.path) == ["public/ambassadors/dean"], "\(report.summary)")
        #expect(report.errors.first?.message.contains("symbolic link (to \(elsewhere.path))") == true, "\(report.summary)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        #expect(site.snapshot().mapValues(\.0) == snapshot.mapValues(\.0))
        // With the link gone, the build goes on.
        try FileManager.default.removeItem(atPath: site.root.path + "/public/ambassadors/dean")
        #expect(site.build().succeeded)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test func aStaleFileBehindALinkIsNotRemovedThroughIt() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        // Wright's page's folder becomes a link to a folder outside that holds a file of the same name.
        try site.write("elsewhere/index.html", "not the site's\n")
        try FileManager.default.removeItem(atPath: site.root.path + "/public/ambassadors/wright")
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/public/ambassadors/wright", withDestinationPath: site.root.path + "/elsewhere")
        try site.delete("content/ambassadors/wright.md")
        let report = site.build()
        #expect(!report.succeeded)
        #expect(report.errors.map(\.path) == ["public/ambassadors/wright"], "\(report.summary)")
        #expect((try? String(contentsOfFile: site.root.path + "/elsewhere/index.html", encoding: .utf8)) == "not the site's\n")
    }

    @Test func aLinkWhereAPageGoesIsReplacedNotFollowed() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.write("elsewhere.html", "not the site's\n")
        let page = site.root.path + "/public/ambassadors/dean/index.html"
        try FileManager.default.removeItem(atPath: page)
        try FileManager.default.createSymbolicLink(atPath: page, withDestinationPath: site.root.path + "/elsewhere.html")
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect((try? String(contentsOfFile: site.root.path + "/elsewhere.html", encoding: .utf8)) == "not the site's\n")
        var status = stat()
        #expect(lstat(page, &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
    }

    /// The record's lines, found by `memchr`: split as the bytes were split before, at each line-end byte
    /// (a carriage return before it stays in the line), empty lines kept.
    @Test func theRecordIsSplitIntoItsLinesAsBefore() {
        for text in ["", "\n", "a", "a\n", "a\n\nb\n", "\n\nx", "a\r\nb\r\n", "\r\n\r\n", "dé\tjà\nKeïta — “x”\n\n€𝄞\n",
                     String(repeating: "line\tá\r\n", count: 1000)] {
            let substring = ("«" + text + "»").dropFirst().dropLast()
            let before = substring.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Substring.init)
            #expect(InputRecord.lines(substring) == before, "\(text.debugDescription)")
            #expect(InputRecord.lines(substring).map { Array($0.utf8) } == before.map { Array($0.utf8) }, "\(text.debugDescription)")
        }
    }

    /// The record beside the output is data from the disk too: one with a path that is not a plain one inside
    /// its folder is not used (the next build is a full one), whatever else it says.
    @Test(arguments: ["outputs", "content"]) func aRecordWithAForgedPathIsNotUsed(section: String) throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let path = site.root.path + "/.public.sitegen-inputs"
        let record = try String(contentsOfFile: path, encoding: .utf8)
        #expect(InputRecord.read(from: path) != nil)
        let forged = section == "outputs" ? record + "../victim.txt\t1 2 3.0 4.0\n"
            : record.replacingOccurrences(of: "\nindex.md\t", with: "\n../index.md\t")
        #expect(forged != record)
        try forged.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(InputRecord.read(from: path) == nil)
    }

    @Test(arguments: ["a", "a/b/index.html", "sitemap.xml", ".hidden/x", "dé/jà.html", "..a/b..", "a.../..b"])
    func pathsTheSiteCanHaveAreAccepted(path: String) {
        #expect(Marker.problem(with: Substring(path)) == nil)
    }

    /// A published file is replaced in one step by an exchange where the system has one, by a rename where it
    /// has not: both leave the new bytes, no temporary file, a link replaced (its target untouched) and a
    /// folder where the file goes removed.
    @Test(arguments: [true, false]) func aFileIsReplacedWholeByAnExchangeOrARename(exchanging: Bool) throws {
        #expect(FileExchange.isAvailable, "glibc has had renameat2 since 2.28")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-replace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out/folder/inner"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        if exchanging {
            // The exchange itself: two names swapped, nothing else; none when one of them is missing.
            try Data("first".utf8).write(to: root.appendingPathComponent("out/a"))
            try Data("second".utf8).write(to: root.appendingPathComponent("out/b"))
            let folder = try #require(OpenFolder(root.appendingPathComponent("out").path))
            #expect(FileExchange.exchange("a", "b", in: folder.descriptor))
            #expect(try String(contentsOf: root.appendingPathComponent("out/a"), encoding: .utf8) == "second")
            #expect(try String(contentsOf: root.appendingPathComponent("out/b"), encoding: .utf8) == "first")
            #expect(!FileExchange.exchange("a", "missing", in: folder.descriptor))
            for name in ["a", "b"] { try FileManager.default.removeItem(at: root.appendingPathComponent("out/" + name)) }
        }
        try Data("old".utf8).write(to: root.appendingPathComponent("out/file.html"))
        try Data("keep".utf8).write(to: root.appendingPathComponent("target.html"))
        try Data("x".utf8).write(to: root.appendingPathComponent("out/folder/inner/x.html"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("out/link.html").path, withDestinationPath: root.appendingPathComponent("target.html").path)
        let folder = try #require(OpenFolder(root.appendingPathComponent("out").path))
        for name in ["file.html", "link.html", "folder", "new.html"] {
            try OutputWriter.replace(name, with: Array("new \(name)".utf8), in: folder, exchanging: exchanging)
            let path = root.appendingPathComponent("out/" + name).path
            #expect((try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular, "\(name)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new \(name)")
        }
        #expect(try String(contentsOf: root.appendingPathComponent("target.html"), encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("out").path).sorted()
                == ["file.html", "folder", "link.html", "new.html"])
    }

    /// A link put at the name a changed file is written under first (`.index.html.sitegen-tmp`) is removed,
    /// never opened: the site is not written to where it leads, however it got there (a commit, a dangling link).
    @Test func aLinkAtATemporaryNameIsNotWrittenThrough() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        try site.write("victim.txt", "keep me\n")
        let page = site.root.path + "/public/ambassadors/dean/index.html"
        try "changed by hand\n".write(toFile: page, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/public/ambassadors/dean/.index.html.sitegen-tmp",
                                                   withDestinationPath: "../../../victim.txt")
        // A dangling one beside the output, at the record's temporary name, would have made a file outside.
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/..public.sitegen-inputs.sitegen-tmp",
                                                   withDestinationPath: site.root.path + "/made-outside.txt")
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(try String(contentsOfFile: site.root.path + "/victim.txt", encoding: .utf8) == "keep me\n")
        #expect(!FileManager.default.fileExists(atPath: site.root.path + "/made-outside.txt"))
        var status = stat()
        #expect(lstat(page, &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("<html"))
    }

    /// A marker that is a link is refused, naming where it leads and quoting nothing of what is there; so is
    /// a lock file that is one; a line that is not UTF-8 is named like any other bad line.
    @Test func aMarkerOrLockThatIsALinkAndALineThatIsNotTextAreErrors() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let marker = site.root.path + "/public/.sitegen-output"
        let original = try Data(contentsOf: URL(fileURLWithPath: marker))
        try (String(decoding: original, as: UTF8.self) + "/root/PASSWORD=hunter2\n").write(toFile: site.root.path + "/secret.txt", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: marker)
        try FileManager.default.createSymbolicLink(atPath: marker, withDestinationPath: site.root.path + "/secret.txt")
        let linked = site.build()
        #expect(linked.errors.map(\.path) == ["public/.sitegen-output"])
        #expect(linked.errors.first?.message.contains("is a symbolic link (to \(site.root.path)/secret.txt)") == true)
        #expect(!DiagnosticPrinter.text(of: linked.diagnostics).contains("hunter2"))

        try FileManager.default.removeItem(atPath: marker)
        try (original + Data("stal".utf8) + Data([0xFF]) + Data("e.html\n".utf8)).write(to: URL(fileURLWithPath: marker))
        try site.write("public/stale.html", "not listed\n")
        let notText = site.build()
        let lines = String(decoding: original, as: UTF8.self).split(separator: "\n").count
        #expect(notText.errors.map(\.line) == [lines + 1], "\(notText.summary)")
        #expect(FileManager.default.fileExists(atPath: site.root.path + "/public/stale.html"))

        try original.write(to: URL(fileURLWithPath: marker))
        try? FileManager.default.removeItem(atPath: site.root.path + "/.public.sitegen-lock")
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/.public.sitegen-lock", withDestinationPath: site.root.path + "/made-by-lock")
        let locked = site.build()
        #expect(locked.errors.first?.message.contains("is a symbolic link") == true, "\(locked.summary)")
        #expect(!FileManager.default.fileExists(atPath: site.root.path + "/made-by-lock"))
    }

    /// A path longer than the file system takes is an error before any work on its folders: one line of
    /// 100,000 folders took quadratic memory walking up them.
    @Test func aPathLongerThanAFileSystemTakesIsAnError() {
        #expect(Marker.problem(with: Substring(String(repeating: "a/", count: 100_000) + "x"))?.contains("longer than any path") == true)
        #expect(Marker.problem(with: Substring(String(repeating: "n", count: 256)))?.contains("longer than a file name") == true)
        #expect(Marker.problem(with: Substring(String(repeating: "n", count: 255))) == nil)
    }
}

/// The change planner's question to a page kept as the record has it (`RecordedReads`): the same answer as
/// the page's reads made into sets, for names escaped in the record, not ASCII, or canonically equal to
/// another name, with few changed names or many.
struct RecordedReadsTests {
    static let names = ["a.md", "dir/b\\c.md", "tab\there.md", "café.md", "cafe\u{301}-nfd.md", "\u{212A}elvin.md", "events"]

    static func recorded(_ documents: [String], _ texts: [String], _ collections: [String], addresses: Bool) -> RecordedReads {
        func field(_ names: [String]) -> String { names.map(InputRecord.escape).joined(separator: "\u{1F}") }
        let line = field(documents) + "\t" + field(texts) + "\t" + field(collections) + "\t" + (addresses ? "addresses" : "-")
        let fields = Substring(line).split(separator: "\t", omittingEmptySubsequences: false)
        return RecordedReads(fields: Substring(line), documents: fields[0], texts: fields[1], collections: fields[2], pageAddresses: addresses)
    }

    @Test func aRecordedPageAnswersAsItsReadsWould() {
        var random = SplitMix64(seed: 5)
        let extra = (0..<20).map { "extra-\($0).md" }
        for _ in 0..<400 {
            func some(_ pool: [String]) -> [String] { pool.filter { _ in random.below(3) == 0 } }
            let documents = some(Self.names), texts = some(Self.names), collections = some(["events", "chiefs"])
            let addresses = random.below(2) == 0
            let recorded = Self.recorded(documents, texts, collections, addresses: addresses)
            #expect(recorded.parsed == PageReads(documents: Set(documents), texts: Set(texts), collections: Set(collections), pageAddresses: addresses))
            // Changed names as the planner gets them, sometimes in the other Unicode form, sometimes more than 16.
            let other = ["K" + "elvin.md", "cafe\u{301}.md", "café-nfd.md"]
            let changed = ChangedReads(documents: Set(some(Self.names + other) + (random.below(4) == 0 ? extra : [])),
                                       texts: Set(some(Self.names + other)), collections: Set(some(["events", "chiefs"])),
                                       addresses: random.below(3) == 0)
            #expect(recorded.readsAny(of: changed) == recorded.parsed.readsAny(of: changed), "\(documents) \(texts) \(collections)")
        }
        // Canonically equal names are the same name, whichever form the record and the change have.
        let kelvin = Self.recorded(["\u{212A}elvin.md"], [], [], addresses: false)
        #expect(kelvin.readsAny(of: ChangedReads(documents: ["Kelvin.md"])))
        #expect(Self.recorded(["Kelvin.md"], [], [], addresses: false).readsAny(of: ChangedReads(documents: ["\u{212A}elvin.md"])))
        #expect(Self.recorded(["cafe\u{301}.md"], [], [], addresses: false).readsAny(of: ChangedReads(documents: ["café.md"])))
        #expect(!kelvin.readsAny(of: ChangedReads(texts: ["\u{212A}elvin.md"], collections: ["events"])))
    }
}
