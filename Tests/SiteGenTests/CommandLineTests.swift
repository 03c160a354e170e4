import Foundation
import Testing

/// The `sitegen` executable as an editor runs it: messages on standard error, exit status.
struct CommandLineTests {
    /// The `sitegen` built with these tests: SwiftPM puts executables beside the test bundle, in whatever
    /// build folder and configuration (`--scratch-path`, `-c release`) the tests were built in.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("sitegen")

    func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:],
             executable: URL = CommandLineTests.executable) throws -> (status: Int32, output: String, errors: String) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                     "no sitegen beside the tests at \(Self.executable.path): the test target depends on it, so swift test builds it")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// The cmark-gfm library that makes the HTML is part of what a build records: a copy loaded through
    /// LD_LIBRARY_PATH (as an upgraded library would be) is not taken for the one recorded, and the site is
    /// rendered again; back to the system's library, again, and then it is up to date.
    @Test func aBuildWithAnotherCmarkLibraryIsNotUpToDate() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let libraries = site.root.appendingPathComponent("libraries")
        try FileManager.default.createDirectory(at: libraries, withIntermediateDirectories: true)
        // A file of /proc says its size is 0: read to its end.
        let maps = String(decoding: try #require(FileHandle(forReadingAtPath: "/proc/self/maps")).readDataToEndOfFile(), as: UTF8.self)
        let loaded = Set(maps.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }.filter { $0.contains("/libcmark-gfm") })
        try #require(!loaded.isEmpty, "the tests load libcmark-gfm themselves")
        for library in loaded {
            try FileManager.default.copyItem(atPath: library, toPath: libraries.appendingPathComponent((library as NSString).lastPathComponent).path)
        }
        UpToDateTests.age(site.root.appendingPathComponent("content"))
        UpToDateTests.age(site.root.appendingPathComponent("templates"))
        UpToDateTests.letTimePass()
        #expect(try run(["build"], in: site.root).status == 0)
        #expect(try run(["build"], in: site.root).output.contains("up to date"))
        let copied = try run(["build"], in: site.root, environment: ["LD_LIBRARY_PATH": libraries.path])
        #expect(copied.status == 0 && copied.output == "sitegen: built 6 pages (8 files: 0 written, 8 unchanged)\n", "\(copied)")
        let back = try run(["build"], in: site.root)
        #expect(back.status == 0 && back.output == "sitegen: built 6 pages (8 files: 0 written, 8 unchanged)\n", "\(back)")
        #expect(try run(["build"], in: site.root).output.contains("up to date"))
    }

    @Test
    func errorsAreReportedLikeACompilerWithTheLineAndACaret() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/history.md", "---\ntitle: History\n---\n\nSee [x](nope.md) and [y](index.md#gone).\n")
        try site.write("content/about.md", "---\ntitle: About\ntitel: x\n---\nBody.\n")
        let result = try run([], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        #expect(result.errors == """
            content/about.md:3:1: warning: unknown front matter key `titel`; it is ignored; did you mean `title`?
            titel: x
            ^
            content/history.md:5:5: error: link to nope.md, which does not exist
            See [x](nope.md) and [y](index.md#gone).
                ^
            content/history.md:5:22: error: index.md has no heading or anchor #gone
            See [x](nope.md) and [y](index.md#gone).
                                 ^
            2 errors, 1 warning

            """)
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("public").path))
    }

    /// Columns count Unicode scalars, in front matter (as libyaml does) and in Markdown alike (cmark's are
    /// bytes); the caret goes under the character the column names, `e` with a combining accent being one.
    @Test
    func columnsCountCharactersInLinesThatAreNotASCII() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/history.md", "---\ntitle: Économie\n---\n\nÉconomie e\u{301}t 日本 [x](nope.md).\n- Touré: [y](gone.md)\n")
        let result = try run(["check"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        #expect(result.errors == """
            content/history.md:5:17: error: link to nope.md, which does not exist
            Économie e\u{301}t 日本 [x](nope.md).
                           ^
            content/history.md:6:10: error: link to gone.md, which does not exist
            - Touré: [y](gone.md)
                     ^
            2 errors, 0 warnings

            """)
    }

    @Test
    func manyWarningsAndWindowsLineEndingsAreShownWithTheirLines() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        for index in 0..<300 {
            try site.write("content/page-\(index).md", "---\r\ntitle: P\(index)\r\ndate: 2021-03-04\r\ntags: [a, b]\r\n---\r\nBody.\r\n")
        }
        let result = try run(["check"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 0)
        #expect(result.errors.hasPrefix("""
            content/page-0.md:3:1: warning: unknown front matter key `date`; it is ignored
            date: 2021-03-04
            ^
            content/page-0.md:4:1: warning: unknown front matter key `tags`; it is ignored
            tags: [a, b]
            ^
            content/page-1.md:3:1:
            """))
        #expect(result.errors.hasSuffix("0 errors, 600 warnings\n"))
        #expect(result.errors.components(separatedBy: "\n^\n").count == 601)
    }

    @Test
    func successExitsZeroAndStrictFailsOnWarnings() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let built = try run(["build", "--output", "out"], in: site.root)
        #expect(built.status == 0)
        #expect(built.output == "sitegen: built 6 pages (8 files: 8 written, 0 unchanged)\n")
        try site.write("content/about.md", "---\ntitle: About\ntitel: x\n---\nBody.\n")
        #expect(try run(["check"], in: site.root).status == 0)
        #expect(try run(["check", "--strict"], in: site.root).status == 1)
    }

    /// With the concurrent finish turned off (as when the replacement of cmark's function is not reached), the
    /// project's own site comes out byte for byte the same, and `--timings` says which way was taken.
    @Test func theSerialFinishBuildsTheSameSite() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-serial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["build", "--content", root.path + "/content", "--templates", root.path + "/templates", "--timings", "--jobs", "2"]
        let concurrent = try run(arguments + ["--output", "concurrent"], in: folder)
        let serial = try run(arguments + ["--output", "serial"], in: folder, environment: ["SITEGEN_CMARK_SERIAL": "1"])
        #expect(concurrent.status == 0 && serial.status == 0, "\(concurrent.errors)\(serial.errors)")
        #expect(concurrent.errors.contains("markdown: cmark-gfm parsers finish concurrently"), "\(concurrent.errors)")
        let phases = concurrent.errors.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        // The parse store, the search store and the record are written together once the pages are ("stores").
        #expect(phases.starts(with: ["inputs", "load", "parse", "resolve", "index", "render", "write", "stores", "markdown:"]), "\(concurrent.errors)")
        #expect(serial.errors.contains("markdown: cmark-gfm parsers finish one at a time (SITEGEN_CMARK_SERIAL is set)"), "\(serial.errors)")
        let concurrentFiles = TemporarySite.snapshot(of: folder.appendingPathComponent("concurrent"))
        #expect(concurrentFiles.count >= 30)
        #expect(concurrentFiles.mapValues(\.0) == TemporarySite.snapshot(of: folder.appendingPathComponent("serial")).mapValues(\.0))
    }

    /// The project's own site, to copy and break.
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A link to a file outside the site and an `--output` that is a file are refused by name: not a byte of
    /// the file they lead to reaches the report, which may be a CI log anyone can read.
    @Test func aRefusedPathIsNamedButNothingOfItIsPrinted() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("private/secrets.env", "API_TOKEN=do-not-print\n")
        let secrets = site.root.appendingPathComponent("private/secrets.env").path
        #expect(symlink(secrets, site.root.appendingPathComponent("content/notes.md").path) == 0)
        let checked = try run(["check"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(checked.status == 1)
        #expect(checked.errors.hasPrefix("content/notes.md:1:1: error: content/notes.md is a symbolic link to \(secrets)"), "\(checked.errors)")
        #expect(!checked.errors.contains("do-not-print"), "\(checked.errors)")
        #expect(checked.errors.hasSuffix("1 error, 0 warnings\n"))
        try site.delete("content/notes.md")
        let built = try run(["build", "--output", "private/secrets.env"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(built.status == 1)
        #expect(built.errors == """
            private/secrets.env:1:1: error: private/secrets.env exists and is not a folder; remove it or choose another --output
            1 error, 0 warnings

            """)
    }

    /// A file name with a newline and escape sequences in a page reach the terminal escaped, not raw; tabs
    /// stay, and the caret stays under the link.
    @Test func controlCharactersFromTheSiteAreShownEscaped() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/bad\nname.md", "---\ntitle: Bad\n---\n")
        let named = try run(["check"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(named.status == 1)
        #expect(named.errors == """
            content/bad\\u{0A}name.md:1:1: error: path contains a control character (or NUL byte)
            1 error, 0 warnings

            """)
        try site.delete("content/bad\nname.md")
        try site.write("content/history.md", "---\ntitle: History\n---\n\nSee\tA \u{1B}[2J\u{1B}]0;owned\u{7} [x](nope.md)\n")
        let quoted = try run(["check"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(quoted.status == 1)
        // The characters are also replaced in the page (a warning at the first of them, the caret past `A `).
        #expect(quoted.errors == """
            content/history.md:5:7: warning: a control character or noncharacter, which HTML and XML do not allow, is replaced by U+FFFD (\u{FFFD}); delete it
            See\tA \\u{1B}[2J\\u{1B}]0;owned\\u{07} [x](nope.md)
               \t  ^
            content/history.md:5:22: error: link to nope.md, which does not exist
            See\tA \\u{1B}[2J\\u{1B}]0;owned\\u{07} [x](nope.md)
               \t                                ^
            1 error, 1 warning

            """)
        #expect(!(named.errors + quoted.errors).unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }

    /// A mistyped command is named with the nearest one, instead of reaching `build` as an argument it does not take.
    @Test func aMistypedCommandSuggestsTheNearest() throws {
        let folder = FileManager.default.temporaryDirectory
        let mistyped = try run(["buld"], in: folder)
        #expect(mistyped.status != 0)
        #expect(mistyped.errors.hasPrefix("Error: unknown command 'buld'; did you mean 'build'?\n"), "\(mistyped.errors)")
        let unknown = try run(["publish-everything"], in: folder)
        #expect(unknown.status != 0)
        #expect(unknown.errors.hasPrefix("Error: unknown command 'publish-everything'; the commands are build, check, serve, new and init\n"), "\(unknown.errors)")
    }

    /// `--jobs` says its default in words once, not also as this machine's number of cores.
    @Test(arguments: ["build", "check", "serve"])
    func jobsHelpGivesItsDefaultOnce(_ command: String) throws {
        let help = try run([command, "--help"], in: FileManager.default.temporaryDirectory).output
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("  --jobs") }, "\(help)")
        let entry = lines[start...].prefix { $0 == lines[start] || !$0.hasPrefix("  -") }.joined(separator: "\n")
        #expect(entry.components(separatedBy: "default").count == 2, "\(entry)")
        #expect(entry.contains("(default: the number of cores)"), "\(entry)")
    }

    /// The project's site with one page's front matter broken gives that one error, not one more for each
    /// page that links to the broken page (a page that does not parse is still there to link to, as in Hugo
    /// and Zola; its anchors are checked once it parses).
    @Test func aBrokenFrontMatterIsOneErrorNotOneForEachLinkToThePage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["content", "templates"] {
            try FileManager.default.copyItem(at: Self.projectRoot.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let history = folder.appendingPathComponent("content/history.md")
        let text = try String(contentsOf: history, encoding: .utf8)
        // Other pages do link to it, anchors included: what would have been reported too.
        let linking = try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("content").path).filter { path in
            path.hasSuffix(".md") && path != "history.md"
                && ((try? String(contentsOf: folder.appendingPathComponent("content/" + path), encoding: .utf8)) ?? "").contains("history.md")
        }
        #expect(linking.count >= 3, "\(linking)")
        try text.replacingOccurrences(of: "title: History\n", with: "title: [History\n").write(to: history, atomically: true, encoding: .utf8)
        let result = try run(["check"], in: folder, environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        let errors = result.errors.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 1, "\(result.errors)")
        #expect(errors.first?.hasPrefix("content/history.md:") == true, "\(result.errors)")
        #expect(result.errors.hasSuffix("1 error, 0 warnings\n"), "\(result.errors)")
    }

    /// `sitegen init` ends with the commands to run next as this sitegen is run: through `swift run` when it is
    /// the one SwiftPM built (as the tests' is), as `sitegen` when it is installed elsewhere.
    @Test func initPrintsTheNextCommandsAsTheyAreRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let built = Self.executable.resolvingSymlinksInPath()
        let scratch = built.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let package = scratch.deletingLastPathComponent().path
        #expect(FileManager.default.fileExists(atPath: package + "/Package.swift"), "\(built.path)")
        let release = built.deletingLastPathComponent().lastPathComponent == "release" ? " -c release" : ""
        let scratchOption = scratch.lastPathComponent == ".build" ? "" : " --scratch-path \(scratch.path)"
        let fromSwiftRun = try run(["init", "site"], in: folder)
        #expect(fromSwiftRun.status == 0)
        #expect(fromSwiftRun.output.contains("\n  swift run\(release)\(scratchOption) --package-path \(package) sitegen serve "), "\(fromSwiftRun.output)")
        // The same binary, installed: in a folder of its own, not a build folder.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let installed = folder.appendingPathComponent("bin/sitegen")
        try FileManager.default.copyItem(at: built, to: installed)
        let fromInstalled = try run(["init", "other"], in: folder, executable: installed)
        #expect(fromInstalled.status == 0)
        #expect(fromInstalled.output.contains("\n  sitegen serve "), "\(fromInstalled.output)")
        #expect(fromInstalled.output.contains("\n  sitegen build "), "\(fromInstalled.output)")
        #expect(!fromInstalled.output.contains("swift run"), "\(fromInstalled.output)")
    }

    /// A build whose standard error (or output) is closed, as when the log it went to is gone, still builds and
    /// says by its status how it went: what cannot be written is dropped, it does not stop the process.
    @Test(arguments: ["2>&-", ">&-", ">&- 2>&-"])
    func closedStandardStreamsDoNotStopABuild(redirection: String) throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/about.md", "---\ntitle: About\ntitel: x\n---\nBody.\n")  // a warning to print
        let shell = "exec \(redirection); \"$0\" build"
        let result = try run(["-c", shell, Self.executable.path], in: site.root, executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status == 0, "\(result.errors)")
        #expect(FileManager.default.fileExists(atPath: site.root.path + "/public/about/index.html"))
        try site.write("content/history.md", "---\ntitle: History\n---\n\nSee [x](nope.md).\n")  // an error to print
        #expect(try run(["-c", shell, Self.executable.path], in: site.root, executable: URL(fileURLWithPath: "/bin/sh")).status == 1)
    }

    /// `sitegen new` writes only into the content folder's own folders: a folder on the way that is a link to
    /// elsewhere is refused, and nothing is made there.
    @Test func newRefusesAFolderThatLeadsOutOfTheContentFolder() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try FileManager.default.createDirectory(atPath: site.root.path + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/content/away", withDestinationPath: site.root.path + "/elsewhere")
        let result = try run(["new", "away/x.md"], in: site.root)
        #expect(result.status == 1)
        #expect(result.errors.contains("a folder on its way is a symbolic link"), "\(result.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.root.path + "/elsewhere").isEmpty)
        #expect(try run(["new", "timeline/2026-01-02-x.md"], in: site.root).status == 0)
    }

    /// `sitegen init` prints the folder so that the printed `cd` works when pasted: quoted when the shell would
    /// split or expand it, control characters escaped.
    @Test func initQuotesTheFolderItPrints() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let named = try run(["init", "my site's $(x)\u{1B}[31m"], in: folder)
        #expect(named.status == 0, "\(named.errors)")
        #expect(named.output.contains("  cd 'my site'\\''s $(x)\\u{1B}[31m'\n"), "\(named.output)")
        #expect(!named.output.unicodeScalars.contains("\u{1B}"))
        #expect(try run(["init", "plain-name"], in: folder).output.contains("  cd plain-name\n"))
    }
}
