import Foundation
import Testing
@testable import SiteGen

/// The parse store (`ParseStore`): a rebuild parses only the files whose text changed, and the pages whose
/// parse read something that changed; a store that cannot be trusted is ignored, and the output is always
/// the clean build's.
@Suite(.serialized) struct ParseStoreTests {
    static func markdownFiles(of site: TemporarySite) -> Int {
        let content = site.root.appendingPathComponent("content").path
        return (FileManager.default.enumerator(atPath: content)?.allObjects as? [String] ?? []).count { $0.hasSuffix(".md") }
    }

    /// The project's site, built once with every file old enough to be told unchanged by its identity.
    static func builtProjectSite() throws -> TemporarySite {
        let site = try LiveSiteTests.projectSite()
        UpToDateTests.age(site.root)
        UpToDateTests.letTimePass()
        let first = site.build()
        #expect(first.succeeded && first.parsesTaken == 0, "\(first.summary)")
        return site
    }

    @Test func aRebuildAfterAnEditParsesThatFileOnly() throws {
        let site = try Self.builtProjectSite()
        defer { site.remove() }
        try KeptPagesTests.edit(site, "content/history.md") { $0 + "\nOne more sentence.\n" }
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(report.parsesTaken == Self.markdownFiles(of: site) - 1)
        KeptPagesTests.expectCleanBuild(site)
        // Touched without a change: read again, found the same, taken.
        let text = try String(contentsOf: site.root.appendingPathComponent("content/missions.md"), encoding: .utf8)
        try site.write("content/missions.md", text)
        #expect(site.build().parsesTaken == Self.markdownFiles(of: site))
    }

    /// A template edit parses nothing: the store, every entry as it was, is left as it is (not written again),
    /// and still gives every parse to the next build.
    @Test func aStoreWhoseEveryEntryWasTakenIsNotWrittenAgain() throws {
        let site = try Self.builtProjectSite()
        defer { site.remove() }
        let store = OutputWriter(output: site.root.appendingPathComponent("public"), displayPath: "public", jobs: 2).parseStorePath
        var before = stat(), after = stat()
        #expect(lstat(store, &before) == 0)
        try KeptPagesTests.edit(site, "templates/footer.mustache") { $0 + "<!-- edited -->\n" }
        let report = site.build()
        #expect(report.succeeded && report.parsesTaken == Self.markdownFiles(of: site), "\(report.summary)")
        #expect(lstat(store, &after) == 0 && after.st_ino == before.st_ino && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        KeptPagesTests.expectCleanBuild(site)
        // An edit adds its file's entry at the end of the same store.
        try KeptPagesTests.edit(site, "content/history.md") { $0 + "\nOne more sentence.\n" }
        #expect(site.build().parsesTaken == Self.markdownFiles(of: site) - 1)
        #expect(lstat(store, &after) == 0 && after.st_ino == before.st_ino && after.st_size > before.st_size)
    }

    /// An edit's parse is added to the store as a segment; the store read back has each file's latest entry,
    /// none of a file gone, and the files as they are now. Once the segments make it more than twice what it
    /// holds, it is written anew as one segment.
    @Test func aStoreGrowsBySegmentsAndIsWrittenAnewWhenItHasDoubled() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-segments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("store").path
        func page(_ name: String, _ text: String) -> ParsedPage {
            let document = Document(source: SourceFile(path: name, displayPath: "content/" + name, text: ""), collection: nil, isList: false,
                                    title: name, navigationTitle: nil, description: nil, layout: nil, draft: false, tableOfContents: nil,
                                    body: RenderedMarkdown(html: "<p>\(text)</p>\n", headings: [], links: []), internalLinks: [], holderURL: name)
            return ParsedPage(path: name, identity: "id " + text, digest: ContentDigest(text), document: document, diagnostics: [])
        }
        var pages = (0..<20).map { page("page-\($0).md", String(repeating: "text \($0) ", count: 100)) }
        // Many other files with long names: the file list is much of the store, and is not counted as superseded
        // while it stays the same.
        let images = (0..<400).map { "images/a-photograph-with-a-long-descriptive-file-name-\($0).jpeg" }
        try ParseStore.write(key: "k", files: pages.map(\.path) + images, pages: pages, jobs: 2, to: path)
        var status = stat()
        #expect(lstat(path, &status) == 0)
        var store = try #require(ParseStore.read(from: path, key: "k"))
        #expect(store.segments == 1 && store.entries.count == 20)
        // Each step: the pages taken from the store as a build takes them, one of them edited, the last one gone.
        var segments = 1, longest = 1, rewrites = 0, inode = status.st_ino
        for step in 1...80 {
            pages = pages.map { taken in
                var page = taken
                page.stored = store.entries[page.path]!.parse
                page.untouched = true
                page.taken = true
                return page
            }
            pages[step % 19] = page("page-\(step % 19).md", "edit \(step) " + String(repeating: "more ", count: 100))
            if step == 1 { pages.removeLast() }
            let files = pages.map(\.path) + images + ["image.png"]
            try ParseStore.write(key: "k", files: files, pages: pages, jobs: 2, to: path, over: store)
            store = try #require(ParseStore.read(from: path, key: "k"), "step \(step)")
            #expect(lstat(path, &status) == 0)
            // Never more than twice what it holds.
            #expect(2 * store.superseded <= store.size, "step \(step): \(store.superseded) of \(store.size) superseded")
            if store.segments == 1 {
                // Written anew, as another file.
                rewrites += 1
                segments = 1
                #expect(status.st_ino != inode && store.superseded == 0, "step \(step)")
                inode = status.st_ino
            } else {
                segments += 1
                #expect(store.segments == segments && status.st_ino == inode, "step \(step)")
            }
            longest = max(longest, segments)
            #expect(store.entries.count == 19 && store.entries["page-19.md"] == nil && store.files == Set(files))
            #expect(store.entries["page-\(step % 19).md"]?.identity == "id edit \(step) " + String(repeating: "more ", count: 100))
            let (document, _) = try #require(ParseStore.decode(store.entries["page-\(step % 19).md"]!.parse, path: "page-\(step % 19).md",
                                                               displayPath: "x", collections: .none))
            #expect(document?.html == "<p>edit \(step) " + String(repeating: "more ", count: 100) + "</p>\n")
        }
        // Edits add segments for a while (the unchanged file list is not superseded), then the store is written
        // anew, and grows again.
        #expect(longest > 20 && (1...3).contains(rewrites), "longest \(longest), written anew \(rewrites) times")
    }

    /// A store forged to pass its checksums with a count larger than its bytes: not read, and no memory asked
    /// for that count.
    @Test func aForgedCountIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-forged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func leb(_ value: UInt64) -> [UInt8] {
            var bytes: [UInt8] = [], rest = value
            while rest >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80); rest >>= 7 }
            return bytes + [UInt8(rest)]
        }
        for count in [UInt64(1) << 40, UInt64(Int.max)] {
            // The key, a file list, no path gone, then the forged count of entries.
            let payload = leb(1) + Array("k".utf8) + [1] + leb(0) + leb(0) + leb(count)
            let checksum = payload.withUnsafeBytes { ContentDigest.checksum($0) }
            var bytes = ParseStore.header
            withUnsafeBytes(of: UInt64(payload.count).littleEndian) { bytes += $0 }
            bytes += payload
            withUnsafeBytes(of: checksum.littleEndian) { bytes += $0 }
            let path = folder.appendingPathComponent("store").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(ParseStore.load(from: path) != nil, "the checksum is right")
            #expect(ParseStore.read(from: path, key: "k") == nil)
        }
    }

    /// A store whose last segment is damaged (an append cut short, or a byte of it changed) is ignored whole.
    @Test func aStoreWithADamagedSegmentIsIgnored() throws {
        let site = try Self.builtProjectSite()
        defer { site.remove() }
        let store = OutputWriter(output: site.root.appendingPathComponent("public"), displayPath: "public", jobs: 2).parseStorePath
        let damages: [(String, (inout Data, Int) -> Void)] = [
            ("the last segment cut short", { data, _ in data.removeLast(3) }),
            ("a byte of the last segment changed", { data, before in data[before + 20] ^= 0x01 }),
            ("a segment's length too large", { data, before in data[before + 6] = 0x7F }),
        ]
        for (step, (name, damage)) in damages.enumerated() {
            var before = stat()
            #expect(lstat(store, &before) == 0)
            try KeptPagesTests.edit(site, "content/history.md") { $0 + "\nSentence \(step).\n" }
            #expect(site.build().parsesTaken == Self.markdownFiles(of: site) - 1, "\(name)")
            var data = try Data(contentsOf: URL(fileURLWithPath: store))
            var appended = stat()
            #expect(lstat(store, &appended) == 0 && appended.st_ino == before.st_ino && data.count > Int(before.st_size),
                    "\(name): no segment added to the store")
            damage(&data, Int(before.st_size))
            try data.write(to: URL(fileURLWithPath: store))
            try KeptPagesTests.edit(site, "content/history.md") { $0 + "\nSentence \(step) again.\n" }
            let report = site.build()
            #expect(report.succeeded && report.parsesTaken == 0, "\(name): \(report.summary)")
            KeptPagesTests.expectCleanBuild(site)
        }
    }

    /// A digest's hexadecimal form, as the record and the search store keep it: 32 lowercase digits, read back.
    @Test func aDigestIsWrittenAsThirtyTwoHexadecimalDigits() {
        for digest in [ContentDigest(high: 0, low: 0), ContentDigest(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210),
                       ContentDigest(high: .max, low: 1), ContentDigest("Mali–United States relations")] {
            #expect(digest.hex == String(format: "%016llx%016llx", digest.high, digest.low))
            #expect(ContentDigest(hex: Substring(digest.hex)) == digest)
        }
        let valid = ContentDigest(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210).hex
        for damaged in [valid.uppercased(), String(valid.dropLast()), valid + "0", "+" + valid.dropFirst(), valid.replacingOccurrences(of: "a", with: "g"), ""] {
            #expect(ContentDigest(hex: Substring(damaged)) == nil, "\(damaged)")
        }
    }

    /// A source's fields make the notes of the pages citing it: those are parsed again, the others are not.
    @Test func anEditedSourceParsesThePagesCitingIt() throws {
        let site = try Self.builtProjectSite()
        defer { site.remove() }
        let source = "content/sources/afp-2013-09-07.md"
        try KeptPagesTests.edit(site, source) { $0.replacingOccurrences(of: "\ntitle: \"", with: "\ntitle: \"Retitled ") }
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        let citing = ["content/history.md", "content/timeline/2013-09-06-development-aid-resumed.md"]
        for path in citing {
            #expect(try String(contentsOf: site.root.appendingPathComponent(path), encoding: .utf8).contains("[^@afp-2013-09-07"))
        }
        #expect(report.parsesTaken == Self.markdownFiles(of: site) - 1 - citing.count)
        #expect(try String(contentsOf: site.root.appendingPathComponent("public/history/index.html"), encoding: .utf8).contains("Retitled "))
        KeptPagesTests.expectCleanBuild(site)
    }

    /// A page that came or went changes the links to it: the pages linking to it are parsed again. Gone, the
    /// link is the error a clean build reports; back, the site is the clean build again.
    @Test func aFileThatComesOrGoesParsesThePagesThatLinkToIt() throws {
        let site = try Self.builtProjectSite()
        defer { site.remove() }
        try site.write("content/added.md", "---\ntitle: Added\n---\n\nA new page, linking [home](index.md).\n")
        try site.write("content/linking.md", "---\ntitle: Linking\n---\n\nA page linking [the new one](added.md).\n")
        var report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        #expect(report.parsesTaken == Self.markdownFiles(of: site) - 2)
        KeptPagesTests.expectCleanBuild(site)
        UpToDateTests.letTimePass()
        _ = site.build()  // the two new files stored as settled
        try site.delete("content/added.md")
        report = site.build()
        #expect(report.parsesTaken == Self.markdownFiles(of: site) - 1)  // linking.md parsed again
        let clean = site.build(output: "clean", check: true)
        #expect(!report.succeeded && report.errors == clean.errors && report.errors.contains { $0.path == "content/linking.md" },
                "\(report.summary)")
        try site.write("content/added.md", "---\ntitle: Added again\n---\n\nBack.\n")
        report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        KeptPagesTests.expectCleanBuild(site)
    }

    /// Each damage in turn, after a good store: the store is ignored (nothing taken from it), the build is the
    /// clean build, and a good store is written again.
    @Test func aDamagedStoreIsIgnored() throws {
        let site = try Self.builtProjectSite()
        defer { site.remove() }
        let store = site.root.appendingPathComponent(".public.sitegen-parsed").path
        let damages: [(String, (URL) throws -> Void)] = [
            ("empty", { try Data().write(to: $0) }),
            ("cut in half", { url in let data = try Data(contentsOf: url); try data.prefix(data.count / 2).write(to: url) }),
            ("last byte cut", { url in let data = try Data(contentsOf: url); try data.dropLast().write(to: url) }),
            ("a byte changed in the middle", { url in
                var data = try Data(contentsOf: url)
                data[data.count / 2] ^= 0x20
                try data.write(to: url)
            }),
            ("another format", { url in
                var data = try Data(contentsOf: url)
                data.replaceSubrange(0..<ParseStore.header.count, with: Array("sitegen parse store 0\n".utf8))
                try data.write(to: url)
            }),
            ("garbage", { try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: $0) }),
            ("a symbolic link to a good store", { url in
                let copy = url.deletingLastPathComponent().appendingPathComponent("elsewhere")
                try? FileManager.default.removeItem(at: copy)
                try FileManager.default.moveItem(at: url, to: copy)
                try FileManager.default.createSymbolicLink(at: url, withDestinationURL: copy)
            }),
            ("a folder", { url in
                try FileManager.default.removeItem(at: url)
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            }),
        ]
        for (step, (name, damage)) in damages.enumerated() {
            #expect(FileManager.default.fileExists(atPath: store), "\(name): no store before")
            try damage(URL(fileURLWithPath: store))
            try KeptPagesTests.edit(site, "content/history.md") { $0 + "\nSentence \(step).\n" }
            let report = site.build()
            #expect(report.succeeded, "\(name): \(report.summary)")
            #expect(report.parsesTaken == 0, "\(name)")
            KeptPagesTests.expectCleanBuild(site)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: store, isDirectory: &isFolder), isFolder.boolValue {
                // Not replaced: a build never removes a folder it did not make.
                try FileManager.default.removeItem(atPath: store)
                #expect(site.build(output: "public").succeeded)
            }
        }
        // The last build's store is good again.
        try KeptPagesTests.edit(site, "content/history.md") { $0 + "\nLast sentence.\n" }
        #expect(site.build().parsesTaken == Self.markdownFiles(of: site) - 1)
    }

    /// A store of another world (another executable, cmark-gfm library, options or settings) is not read.
    @Test func aStoreOfAnotherWorldIsNotRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("store").path
        let key = try #require(ParseStore.key(executable: "exe 1 2 3", options: "o", displayRoot: "content", settings: "title: A"))
        #expect(ParseStore.key(executable: nil, options: "o", displayRoot: "content", settings: nil) == nil)
        let page = ParsedPage(path: "a.md", identity: "1 2 3 4", digest: ContentDigest("text"), document: nil,
                             diagnostics: [.warning("content/a.md", line: 2, column: 3, "a warning")])
        try ParseStore.write(key: key, files: ["a.md"], pages: [page], jobs: 2, to: path)
        let read = try #require(ParseStore.read(from: path, key: key))
        #expect(read.entries["a.md"]?.digest == ContentDigest("text"))
        #expect(read.files == ["a.md"])
        for other in [ParseStore.key(executable: "exe 1 2 4", options: "o", displayRoot: "content", settings: "title: A"),
                      ParseStore.key(executable: "exe 1 2 3", options: "o", displayRoot: "content", settings: "title: B"),
                      ParseStore.key(executable: "exe 1 2 3", options: "p", displayRoot: "content", settings: "title: A")] {
            #expect(ParseStore.read(from: path, key: other!) == nil)
        }
    }

    /// Every document of the project's site, encoded and decoded, is the document it was.
    @Test func everyDocumentComesBackAsItWas() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        var diagnostics = DiagnosticList()
        var clock = PhaseClock()
        let builder = SiteBuilder(options: BuildOptions(jobs: 2, workingDirectory: site.root.path))
        let (renderer, documents) = try #require(builder.makeRenderer(&diagnostics, clock: &clock))
        let collections = renderer.site.config.collections
        #expect(documents.count > 80)
        for document in documents {
            let bytes = ParseStore.encode(document, [.warning(document.source.displayPath, line: 3, column: 4, "kept")])
            let (decoded, found) = try #require(ParseStore.decode(bytes[...], path: document.path, displayPath: document.source.displayPath,
                                                                  collections: collections))
            let back = try #require(decoded)
            #expect(found == [.warning(document.source.displayPath, line: 3, column: 4, "kept")])
            #expect(ParseStore.encode(back, found) == bytes)
            #expect(back.title == document.title && back.body.html == document.body.html && back.fields == document.fields)
            #expect(back.body.headings == document.body.headings && back.anchors == document.anchors)
            #expect(back.internalLinks.map(\.target) == document.internalLinks.map(\.target))
            #expect(back.holderURL == document.holderURL && back.hasOwnPage == document.hasOwnPage)
            #expect(back.lede == document.lede && back.rest == document.rest && back.prose == document.prose && back.notes == document.notes)
            #expect(back.citations == document.citations && back.collection == document.collection && back.draft == document.draft)
            // What the change planner takes from the store instead of making it again.
            #expect(DocumentDigests(back) == DocumentDigests(document))
        }
        // The stored digests are those of the stored documents.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-digests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pages = documents.map { ParsedPage(path: $0.path, identity: "1", digest: ContentDigest($0.path), document: $0, diagnostics: []) }
            .sorted { $0.path < $1.path }
        try ParseStore.write(key: "k", files: pages.map(\.path), pages: pages, jobs: 2, to: folder.appendingPathComponent("store").path)
        let stored = try #require(ParseStore.read(from: folder.appendingPathComponent("store").path, key: "k"))
        for document in documents { #expect(stored.entries[document.path]?.digests == DocumentDigests(document), "\(document.path)") }
        // A stored document's HTML is decoded when first read, not before: the rest of it is there without it.
        let first = try #require(stored.entries[documents[0].path])
        let (taken, _) = try #require(ParseStore.decode(first.parse, path: documents[0].path, displayPath: "x", collections: collections))
        let lazy = try #require(taken)
        #expect(!lazy.htmlIsDecoded && lazy.title == documents[0].title && lazy.headings == documents[0].headings)
        #expect(!lazy.htmlIsDecoded)
        #expect(lazy.html == documents[0].html && lazy.lede == documents[0].lede && lazy.notes == documents[0].notes)
        #expect(lazy.htmlIsDecoded)
        // Bytes that are not UTF-8 (a store forged to pass its checksums) give replacement characters, never a crash.
        let forged = Document(source: SourceFile(path: "a.md", displayPath: "a.md", text: ""), collection: nil, isList: false, title: "A",
                              navigationTitle: nil, description: nil, layout: nil, draft: false, tableOfContents: nil, fields: [:],
                              fieldLocations: [:], hasOwnPage: true, citations: [], uncitedParagraphs: [],
                              text: DocumentText(stored: StoreSlice(copying: Array("<p>a\u{FF}".utf8) + [0xFF, 0xC3] + Array("</p>\n".utf8))),
                              headings: [], internalLinks: [], holderURL: "a/")
        #expect(forged.html == "<p>a\u{FF}\u{FFFD}\u{FFFD}</p>\n" && forged.lede == forged.html[...] && forged.rest.isEmpty)
        // Cut anywhere, a document's bytes decode to nothing rather than to another document.
        let bytes = ParseStore.encode(documents[0], [])
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(ParseStore.decode(bytes[..<cut], path: documents[0].path, displayPath: "x", collections: collections) == nil)
        }
    }
}
