import Foundation
import Testing

/// The `sitegen` executable stopped at any moment (`kill -9`) or failing to write (a file size limit) while
/// it replaces a published site: every published file is then its old or its new version, never a part,
/// and the next build publishes exactly what a clean build does, leaving no temporary file.
struct InterruptedBuildTests {
    let cli = CommandLineTests()

    /// A site of `pages` pages; version 2 changes the page template (every page differs) and makes every
    /// other page 20 KB longer.
    static func makeSite(in folder: URL, pages: Int, version: Int) throws {
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: folder)
        try fileManager.createDirectory(at: folder.appendingPathComponent("content/notes"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
        func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: folder.appendingPathComponent(path)) }
        try write("content/site.yaml", "title: Interrupted\nlanguage: en\n")
        try write("content/index.md", "---\ntitle: Home\n---\n\n[First note](notes/note-0.md)\n")
        let long = String(repeating: "A sentence that makes the page longer than the limit. ", count: 400)
        for index in 0..<pages {
            try write("content/notes/note-\(index).md", "---\ntitle: Note \(index)\n---\n\nNote \(index) of the site.\n\n\(version == 2 && index % 2 == 0 ? long : "")\n")
        }
        try write("templates/base.mustache", "<!DOCTYPE html>\n<html lang=\"{{language}}\"><head><title>{{title}}</title></head>\n<body>{{{main}}}</body></html>\n")
        try write("templates/page.mustache", "<h1>{{page.title}}</h1>\n<p>Version \(version).</p>\n{{{page.body}}}\n")
    }

    /// Builds version `version` of the site cleanly and returns its files.
    func cleanBuild(version: Int, pages: Int, in work: URL) throws -> [String: Data] {
        let site = work.appendingPathComponent("clean-\(version)")
        try Self.makeSite(in: site, pages: pages, version: version)
        let result = try cli.run(["build"], in: site)
        try #require(result.status == 0, "\(result.errors)")
        return IncrementalWriteTests.contents(of: site.appendingPathComponent("public"))
    }

    /// Every file of `published` is the one of `old` or of `new`, byte for byte; sitegen's own marker and
    /// temporary files aside.
    static func eachFileIsOldOrNew(_ published: [String: Data], old: [String: Data], new: [String: Data]) -> [String] {
        published.compactMap { path, data in
            let name = path.split(separator: "/").last ?? ""
            if name == ".sitegen-output" || name.hasSuffix(".sitegen-tmp") { return nil }
            return data == old[path] || data == new[path] ? nil : path
        }
    }

    /// Clean builds of both versions (their files: old and new), and the sources of version 2 in `work/site`.
    func twoVersions(pages: Int, in work: URL) throws -> (old: [String: Data], new: [String: Data], site: URL) {
        let old = try cleanBuild(version: 1, pages: pages, in: work)
        let new = try cleanBuild(version: 2, pages: pages, in: work)
        let site = work.appendingPathComponent("site")
        try Self.makeSite(in: site, pages: pages, version: 2)
        return (old, new, site)
    }

    /// Publishes version 1's clean build as `site/public`, for a build of version 2 to replace.
    static func publishVersion1(in site: URL, from work: URL) throws {
        try? FileManager.default.removeItem(at: site.appendingPathComponent("public"))
        try FileManager.default.copyItem(at: work.appendingPathComponent("clean-1/public"), to: site.appendingPathComponent("public"))
    }

    @Test func killedAtAnyMomentEveryFileIsWholeAndTheNextBuildConverges() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-killed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let (old, new, site) = try twoVersions(pages: 600, in: work)
        var killedInTheCommit = 0
        // Stopped sooner or later in each round: while rendering, while replacing files, or after.
        for round in 0..<10 {
            try Self.publishVersion1(in: site, from: work)
            let process = Process()
            process.executableURL = CommandLineTests.executable
            process.arguments = ["build", "--jobs", "2"]
            process.currentDirectoryURL = site
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if round % 2 == 0 {
                // At a moment of the build: rendering, replacing files, or done.
                usleep(UInt32(20_000 + round * 30_000))
            } else {
                // In the commit: once the marker says the folder is being written, a few milliseconds on.
                let marker = site.appendingPathComponent("public/.sitegen-output").path
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline, process.isRunning,
                      !((try? String(contentsOfFile: marker, encoding: .utf8))?.contains("state: writing") ?? false) {
                    usleep(200)
                }
                usleep(UInt32(round / 2) * 2_000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let record = (try? String(contentsOf: site.appendingPathComponent("public/.sitegen-output"), encoding: .utf8)) ?? ""
            if record.contains("state: writing") { killedInTheCommit += 1 }
            let published = IncrementalWriteTests.contents(of: site.appendingPathComponent("public"))
            let torn = Self.eachFileIsOldOrNew(published, old: old, new: new)
            #expect(torn.isEmpty, "round \(round): files neither old nor new: \(torn.prefix(5))")

            let again = try cli.run(["build"], in: site)
            #expect(again.status == 0, "\(again.errors)")
            #expect(IncrementalWriteTests.contents(of: site.appendingPathComponent("public")) == new, "round \(round)")
            #expect(IncrementalWriteTests.identities(of: site.appendingPathComponent("public")).keys.sorted()
                    == IncrementalWriteTests.identities(of: work.appendingPathComponent("clean-2/public")).keys.sorted())
            let leftBeside = try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasPrefix(".public.") }
            // The lock, the record of the last successful build (InputRecord) and its parses (ParseStore); no staging folder.
            #expect(Set(leftBeside).isSubset(of: [".public.sitegen-lock", ".public.sitegen-inputs", ".public.sitegen-parsed"]), "\(leftBeside)")
        }
        // Rounds stopped in the middle of replacing files: the case that matters was seen.
        #expect(killedInTheCommit >= 2)
    }

    /// Writing fails for every file over 16 KiB (`ulimit -f`, as a full disk fails a write): the small pages
    /// are replaced, the large keep their old version, nothing is torn, the build says why and fails, and
    /// the next build publishes the new site.
    @Test func aFailedWriteLeavesOldOrNewFilesAndTheNextBuildConverges() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-full-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let (old, new, site) = try twoVersions(pages: 100, in: work)
        try Self.publishVersion1(in: site, from: work)
        let limited = try cli.run(["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" build", CommandLineTests.executable.path], in: site,
                                  executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(limited.status == 1)
        #expect(limited.errors.contains("could not write the site") && limited.errors.contains("File too large"), "\(limited.errors)")
        let published = IncrementalWriteTests.contents(of: site.appendingPathComponent("public"))
        #expect(Self.eachFileIsOldOrNew(published, old: old, new: new).isEmpty)
        #expect(published.count { $0.key.hasSuffix(".sitegen-tmp") } == 0)
        #expect(published.count { $0.value == new[$0.key] && $0.value != old[$0.key] } > 0)  // the small pages
        #expect(published.count { $0.value == old[$0.key] && $0.value != new[$0.key] } > 0)  // the large ones
        #expect(try cli.run(["build"], in: site).status == 0)
        #expect(IncrementalWriteTests.contents(of: site.appendingPathComponent("public")) == new)
    }
}
