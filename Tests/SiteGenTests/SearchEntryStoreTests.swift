import Foundation
import Testing
@testable import SiteGen

/// The search entries a build keeps beside its output for the next (`SearchEntryStore`): an edit is
/// tokenized alone, the output is a clean build's byte for byte, and a store that is not exactly as a
/// build wrote it is not used.
struct SearchEntryStoreTests {
    // MARK: Entries and keys

    /// A key made with the HTML's digest as the parse phase kept it is the key made from the HTML: a build
    /// takes it from there (`DocumentDigests.text`), and a page without one digests its HTML.
    @Test func aKeyFromTheParsesDigestIsTheKeyFromTheHTML() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        var diagnostics = DiagnosticList()
        var clock = PhaseClock()
        let (_, documents) = try #require(SiteBuilder(options: BuildOptions(jobs: 2, workingDirectory: site.root.path)).makeRenderer(&diagnostics, clock: &clock))
        let store = SearchEntryStore(reading: "/nonexistent", executable: "sitegen 1")
        store.know(textDigests: Dictionary(uniqueKeysWithValues: documents.dropFirst().map { ($0.path, DocumentDigests($0).text) }))
        for document in documents {
            let headings = document.body.headings.map(\.text)
            #expect(store.key(of: document, headings: headings, url: "u/", kind: "page", date: "d")
                    == SearchEntryStore.Key(title: document.title, html: document.body.html, headings: headings, url: "u/", kind: "page", date: "d"))
        }
    }

    @Test func aStoredEntryIsTheEntryMadeAnew() throws {
        let tokenizer = SearchTokenizer(vocabulary: SearchVocabulary())
        let pages: [(title: String, html: String, headings: [String], date: String)] = [
            ("Albright visits", "<p>Madeleine <em>Albright</em>s visit to Bamako &amp; Kati.</p>\n<h2>Talks</h2>", ["Talks"], "18 October 1999"),
            ("Keïta", "<p>Modibo KEÏTA, \u{2028} Konaré&nbsp;visits</p>" + String(repeating: "<p>treaty trade travel</p>", count: 80), [], ""),
            ("", "", [], ""),
        ]
        let entries = pages.enumerated().map { index, page in
            SearchEntry(url: "p\(index)/", kind: index == 0 ? "events" : "page", title: page.title, html: page.html,
                        headings: page.headings, date: page.date, tokenizer: tokenizer)
        }
        let keys = pages.enumerated().map { index, page in
            SearchEntryStore.Key(title: page.title, html: page.html, headings: page.headings, url: "p\(index)/",
                                 kind: index == 0 ? "events" : "page", date: page.date)
        }
        let bytes = SearchEntryStore.bytes(entries, keys: keys, executable: "sitegen 1")
        // Another process: another vocabulary, in which the terms are numbered as they are taken.
        let vocabulary = SearchVocabulary()
        _ = vocabulary.number(for: "unrelated")
        let stored = try #require(StoredEntries(parsing: bytes, executable: "sitegen 1", vocabulary: vocabulary))
        #expect(stored.count == 3)
        for (index, entry) in entries.enumerated() {
            let taken = try #require(stored.entry(for: keys[index], url: entry.url, kind: entry.kind, title: entry.title, date: entry.date))
            #expect(taken == entry)
            #expect(taken.excerpt == entry.excerpt && taken.terms.map(\.term) == entry.terms.map(\.term))
            #expect(taken.vocabulary === vocabulary)
        }
        // Only the terms of the entries taken are numbered.
        #expect(vocabulary.count == 1 + Set(entries.flatMap(\.terms).map(\.term)).count)
        let other = SearchEntryStore.Key(title: "x", html: "", headings: [], url: "p2/", kind: "page", date: "")
        #expect(stored.entry(for: other, url: "p2/", kind: "page", title: "x", date: "") == nil)
    }

    /// Each part an entry is made of changes its key; parts cannot be moved from one to the next unseen.
    @Test func aKeyChangesWithEachPartOfTheEntry() {
        func key(title: String = "T", html: String = "<p>a</p>", headings: [String] = ["H"], url: String = "a/",
                 kind: String = "page", date: String = "") -> SearchEntryStore.Key {
            SearchEntryStore.Key(title: title, html: html, headings: headings, url: url, kind: kind, date: date)
        }
        let keys = [key(), key(title: "U"), key(html: "<p>b</p>"), key(headings: []), key(headings: ["H", ""]), key(headings: ["HH"]),
                    key(url: "b/"), key(kind: "events"), key(date: "1960"), key(title: "", html: "T<p>a</p>")]
        #expect(Set(keys).count == keys.count)
        #expect(key() == key())
    }

    // MARK: Builds

    /// A site with search and `pages` pages of their own.
    static func site(pages: Int) throws -> TemporarySite {
        let site = try SearchIndexTests.searchSite()
        for index in 0..<pages {
            try site.write("content/p\(index).md", "---\ntitle: Page \(index)\n---\n\n## Part \(index % 7)\n\nWords of page \(index): alpha beta gamma délta \(index * 37).\n")
        }
        waitUntilTheExecutableSettles()
        return site
    }

    /// The input record trusts an executable two seconds after it last changed (`InputRecord.inputs`), and the
    /// store only one it trusts: waits until this test process's own has.
    static func waitUntilTheExecutableSettles() {
        var status = stat()
        guard stat("/proc/self/exe", &status) == 0 else { return }
        let wait = Double(max(status.st_mtim.tv_sec, status.st_ctim.tv_sec) + 3) - Date().timeIntervalSince1970
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    static func storePath(_ site: TemporarySite, output: String = "public") -> String {
        site.root.path + "/.\(output).sitegen-search"
    }

    /// The documents the index holds, as its head says.
    static func documents(_ site: TemporarySite, output: String = "public") throws -> Int {
        let head = try String(contentsOf: site.root.appendingPathComponent(output + "/search-index/head.js"), encoding: .utf8)
        let count = head.split(separator: ":")[1].split(separator: ",")[0]
        return try #require(Int(count))
    }

    /// Builds into a new folder with no store beside it, and says whether every file is the same as in `output`.
    static func equalsACleanBuild(_ site: TemporarySite, output: String = "public", jobs: Int, clean: String) throws -> Bool {
        let report = site.build(output: clean, jobs: jobs)
        #expect(report.succeeded, "\(report.summary)")
        let documents = try documents(site, output: clean)
        #expect(report.searchEntriesTokenized == documents)
        let built = site.snapshot(output).mapValues(\.0), cleanBuilt = site.snapshot(clean).mapValues(\.0)
        #expect(built.keys.contains("search-index/head.js") && built.count > 20)
        return built == cleanBuilt
    }

    @Test(arguments: [1, 4]) func aRebuildAfterAnEditTokenizesOnlyTheEditedPage(jobs: Int) throws {
        let site = try Self.site(pages: 200)
        defer { site.remove() }
        let first = site.build(jobs: jobs)
        #expect(first.succeeded, "\(first.summary)")
        let documents = try Self.documents(site)
        #expect(documents > 200 && first.searchEntriesTokenized == documents)
        #expect(FileManager.default.fileExists(atPath: Self.storePath(site)))

        try site.write("content/p7.md", "---\ntitle: Page 7\n---\n\n## Part 0\n\nWords of page 7: alpha beta gamma délta zebra.\n")
        let edited = site.build(jobs: jobs)
        #expect(edited.succeeded, "\(edited.summary)")
        #expect(edited.searchEntriesTokenized == 1)
        // The other thread count, and no store: the same bytes.
        #expect(try Self.equalsACleanBuild(site, jobs: jobs == 1 ? 4 : 1, clean: "clean-edit"))

        // Only a title changed, and another page only in its place (its file moved): both are read again.
        try site.write("content/p8.md", "---\ntitle: Page eight\n---\n\n## Part 1\n\nWords of page 8: alpha beta gamma délta 296.\n")
        try site.delete("content/p9.md")
        try site.write("content/moved/p9.md", "---\ntitle: Page 9\n---\n\n## Part 2\n\nWords of page 9: alpha beta gamma délta 333.\n")
        let moved = site.build(jobs: jobs)
        #expect(moved.succeeded, "\(moved.summary)")
        #expect(moved.searchEntriesTokenized == 2)
        #expect(try Self.equalsACleanBuild(site, jobs: jobs, clean: "clean-moved"))

        // A page gone: nothing to read, one entry fewer.
        try site.delete("content/p10.md")
        let deleted = site.build(jobs: jobs)
        #expect(deleted.succeeded && deleted.searchEntriesTokenized == 0)
        #expect(try Self.documents(site) == documents - 1)
        #expect(try Self.equalsACleanBuild(site, jobs: jobs == 1 ? 4 : 1, clean: "clean-deleted"))
    }

    @Test func aFailedBuildLeavesNoStoreAndASiteWithoutSearchWritesNone() throws {
        let site = try Self.site(pages: 20)
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(FileManager.default.fileExists(atPath: Self.storePath(site)))
        try site.write("content/p3.md", "---\ntitle: Page 3\n---\n\nA [link](missing.md) to nothing.\n")
        let failed = site.build()
        #expect(!failed.succeeded)
        #expect(!FileManager.default.fileExists(atPath: Self.storePath(site)))
        try site.write("content/p3.md", "---\ntitle: Page 3\n---\n\nFixed.\n")
        let fixed = site.build()
        let documents = try Self.documents(site)
        #expect(fixed.succeeded && fixed.searchEntriesTokenized == documents)
        #expect(FileManager.default.fileExists(atPath: Self.storePath(site)))

        let plain = try TemporarySite()
        defer { plain.remove() }
        Self.waitUntilTheExecutableSettles()
        let report = plain.build()
        #expect(report.succeeded && report.searchEntriesTokenized == nil)
        #expect(!FileManager.default.fileExists(atPath: Self.storePath(plain)))
    }

    // MARK: Damaged stores

    /// What can happen to the file between two builds.
    enum Damage: CustomTestStringConvertible, Sendable {
        case empty
        /// The first `count` bytes kept; a negative count counts from the end.
        case truncated(Int)
        /// The byte at `offset` (from the end when negative) inverted.
        case flipped(Int)
        /// One bit of a text the store holds (an excerpt, a term) changed: still UTF-8, and every count fits.
        case changed(String)
        /// Its digest made anew after the change, as a store of that kind would be written.
        case otherVersion, otherExecutable
        case folder
        case garbage

        var testDescription: String {
            switch self {
            case .empty: "empty"
            case .truncated(let count): "truncated to \(count)"
            case .flipped(let offset): "byte \(offset) flipped"
            case .changed(let text): "a bit of \"\(text)\" changed"
            case .otherVersion: "another format version"
            case .otherExecutable: "another executable"
            case .folder: "a folder in its place"
            case .garbage: "random bytes"
            }
        }

        func apply(to path: String) throws {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var damaged: [UInt8]
            switch self {
            case .empty: damaged = []
            case .truncated(let count): damaged = Array(bytes.prefix(count >= 0 ? count : bytes.count + count))
            case .flipped(let offset):
                damaged = bytes
                damaged[offset >= 0 ? offset : bytes.count + offset] ^= 0xFF
            case .changed(let text):
                let text = Array(text.utf8)
                let offset = try #require((0...(bytes.count - text.count)).first { bytes[$0..<($0 + text.count)].elementsEqual(text) })
                damaged = bytes
                damaged[offset] ^= 0x01
            case .otherVersion:
                let header = SearchEntryStore.header()
                damaged = SearchEntryStore.header(version: SearchEntryStore.formatVersion + 1) + bytes[header.count..<(bytes.count - 32)]
                damaged += SearchEntryStore.digest(damaged[...])
            case .otherExecutable:
                // The executable's identity follows the header and its length: a digit of it changed.
                damaged = Array(bytes[..<(bytes.count - 32)])
                damaged[SearchEntryStore.header().count + 4] ^= 0x01
                damaged += SearchEntryStore.digest(damaged[...])
            case .folder:
                try FileManager.default.removeItem(atPath: path)
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                return
            case .garbage:
                var random = SplitMix64(seed: 29)
                damaged = (0..<bytes.count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            #expect(damaged != bytes)
            try Data(damaged).write(to: URL(fileURLWithPath: path))
        }
    }

    /// Offsets in the header, the executable, the terms, the first entry's key, in the middle, in the last
    /// entry's terms and in the digest; an unedited page's excerpt and a term, which only the digest tells.
    static let damages: [Damage] = [.empty, .truncated(1), .truncated(23), .truncated(40), .truncated(900), .truncated(-33),
                                    .truncated(-1), .flipped(0), .flipped(30), .flipped(60), .flipped(500), .flipped(-40),
                                    .flipped(-1), .changed("Words of page 2:"), .changed("gamma"), .otherVersion,
                                    .otherExecutable, .folder, .garbage]

    @Test(arguments: damages) func aDamagedStoreIsNotUsed(damage: Damage) throws {
        let site = try Self.site(pages: 30)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let documents = try Self.documents(site)
        let path = Self.storePath(site)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count > 1000)
        try damage.apply(to: path)
        try site.write("content/p4.md", "---\ntitle: Page 4\n---\n\nWords of page 4, edited: zebra.\n")
        let rebuilt = site.build()
        #expect(rebuilt.succeeded, "\(rebuilt.summary)")
        #expect(rebuilt.searchEntriesTokenized == documents)
        #expect(try Self.equalsACleanBuild(site, jobs: 2, clean: "clean"))
        // The next build has a good store again (but for a folder, which sitegen never removes).
        try site.write("content/p5.md", "---\ntitle: Page 5\n---\n\nWords of page 5, edited.\n")
        let next = site.build()
        #expect(next.succeeded)
        if case .folder = damage { #expect(next.searchEntriesTokenized == documents) } else { #expect(next.searchEntriesTokenized == 1) }
    }

    /// A store whose digest matches what it holds but whose parts do not fit (counts, lengths, term places,
    /// weights, text that is not UTF-8): read without a crash, and never taken for more than it holds.
    @Test func aStoreOfAnyBytesIsReadWithoutACrash() throws {
        let tokenizer = SearchTokenizer(vocabulary: SearchVocabulary())
        let entries = (0..<6).map { index in
            SearchEntry(url: "p\(index)/", kind: "page", title: "Page \(index)", html: "<p>visa bond \(index) keïta</p>",
                        headings: [], date: "", tokenizer: tokenizer)
        }
        let keys = entries.map { SearchEntryStore.Key(title: $0.title, html: $0.url, headings: [], url: $0.url, kind: $0.kind, date: "") }
        let bytes = SearchEntryStore.bytes(entries, keys: keys, executable: "x")
        let body = Array(bytes.dropLast(32))
        #expect(StoredEntries(parsing: bytes, executable: "x", vocabulary: SearchVocabulary())?.count == 6)
        #expect(StoredEntries(parsing: bytes, executable: "y", vocabulary: SearchVocabulary()) == nil)
        var random = SplitMix64(seed: 7)
        var read = 0
        for _ in 0..<3000 {
            var changed = body
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let offset = SearchEntryStore.header().count + Int(random.next() % UInt64(body.count - SearchEntryStore.header().count))
                changed[offset] = random.next() % 4 == 0 ? 0xFF : UInt8(truncatingIfNeeded: random.next())
            }
            if random.next() % 5 == 0 { changed.removeLast(Int(random.next() % 40)) }
            guard let stored = StoredEntries(parsing: changed + SearchEntryStore.digest(changed[...]), executable: "x", vocabulary: SearchVocabulary())
            else { continue }
            read += 1
            #expect(stored.count <= 6)
        }
        // Most changes land in a text (the excerpt, a term) and leave a store that reads.
        #expect(read > 0)
    }
}
