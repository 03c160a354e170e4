import Foundation
import Testing
@testable import SiteGen

/// Each editor mistake gives an error naming the file, line and column, and leaves the output as it was.
struct DiagnosticsTests {
    struct Mistake: CustomStringConvertible, Sendable {
        var name: String
        var files: [String: String] = [:]
        var deletions: [String] = []
        var path: String
        var line: Int
        var column: Int
        var message: String
        var severity: Diagnostic.Severity = .error
        var description: String { name }
    }

    static let mistakes: [Mistake] = [
        Mistake(name: "front matter never closed", files: ["content/history.md": "---\ntitle: History\n\nBody.\n"],
                path: "content/history.md", line: 1, column: 1, message: "front matter opened here is never closed"),
        Mistake(name: "no front matter", files: ["content/history.md": "# History\n"],
                path: "content/history.md", line: 1, column: 1, message: "missing front matter"),
        Mistake(name: "invalid YAML", files: ["content/history.md": "---\ntitle: History\nlist: [a, b\n---\nBody.\n"],
                path: "content/history.md", line: 4, column: 1, message: "invalid YAML in front matter"),
        Mistake(name: "key of the wrong type", files: ["content/history.md": "---\ntitle: [a, b]\n---\nBody.\n"],
                path: "content/history.md", line: 2, column: 8, message: "`title` must be text"),
        Mistake(name: "flag of the wrong type", files: ["content/history.md": "---\ntitle: History\ndraft: maybe\n---\nBody.\n"],
                path: "content/history.md", line: 3, column: 8, message: "`draft` must be true or false"),
        Mistake(name: "missing required key", files: ["content/history.md": "---\ndescription: About history\n---\nBody.\n"],
                path: "content/history.md", line: 1, column: 1, message: "missing required key `title`"),
        Mistake(name: "impossible day", files: ["content/timeline/x.md": "---\ntitle: X\ndate: 2012-02-30\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 3, column: 7, message: "`date` is not a real date: 2012-02-30"),
        Mistake(name: "impossible month", files: ["content/timeline/x.md": "---\ntitle: X\ndate: 2012-13\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 3, column: 7, message: "`date` is not a real date: 2012-13"),
        Mistake(name: "date format", files: ["content/timeline/x.md": "---\ntitle: X\ndate: 24/09/1960\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 3, column: 7, message: "must be a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        Mistake(name: "link to a missing page", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](histroy.md).\n"],
                path: "content/history.md", line: 5, column: 5, message: "link to histroy.md, which does not exist; did you mean history.md?"),
        Mistake(name: "link to a missing heading", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](index.md#note).\n"],
                path: "content/history.md", line: 5, column: 5, message: "index.md has no heading or anchor #note; did you mean #notes?"),
        Mistake(name: "link to a missing heading on the same page", files: ["content/history.md": "---\ntitle: History\n---\n\n## Start\n\nSee [x](#end).\n"],
                path: "content/history.md", line: 7, column: 5, message: "no heading or anchor #end on this page"),
        Mistake(name: "link to a missing anchor of the timeline", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](timeline/index.md#decade-1950s).\n"],
                path: "content/history.md", line: 5, column: 5, message: "timeline/index.md has no heading or anchor #decade-1950s; did you mean #decade-1960s?"),
        Mistake(name: "event links to a missing anchor of the timeline", files: ["content/timeline/1961-x.md": "---\ntitle: X\ndate: 1961\n---\nSee [y](#nowhere).\n"],
                path: "content/timeline/1961-x.md", line: 5, column: 5, message: "no heading or anchor #nowhere on this page"),
        Mistake(name: "a URL of its own", files: ["content/history.md": "---\ntitle: History\nslug: [a, b]\n---\nBody.\n"],
                path: "content/history.md", line: 3, column: 7, message: "`slug` is not supported: a page's URL comes from its file name"),
        Mistake(name: "unknown key", files: ["content/history.md": "---\ntitle: History\ndate: 2021\n---\nBody.\n"],
                path: "content/history.md", line: 3, column: 1, message: "unknown front matter key `date`; it is ignored", severity: .warning),
        Mistake(name: "link to a draft", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](draft.md).\n",
                                                 "content/draft.md": "---\ntitle: Draft\ndraft: true\n---\nNot yet.\n"],
                path: "content/history.md", line: 5, column: 5, message: "link to draft.md, which is a draft"),
        Mistake(name: "link to a folder", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](ambassadors/).\n"],
                path: "content/history.md", line: 5, column: 5, message: "link to a page by its source file, e.g. ambassadors/index.md"),
        Mistake(name: "root-absolute link to a URL", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](/history/).\n"],
                path: "content/history.md", line: 5, column: 5, message: "link /history/ is not a content file; link to a page by its source file, e.g. /history/index.md"),
        Mistake(name: "root-absolute link to a missing page", files: ["content/ambassadors/x.md": "---\nname: X\ntitle: Ambassador\nappointed: 1961\n---\n\nSee [x](/histry.md).\n"],
                path: "content/ambassadors/x.md", line: 7, column: 5, message: "link to histry.md, which does not exist"),
        Mistake(name: "link leaving the content folder", files: ["content/history.md": "---\ntitle: History\n---\n\nSee [x](../../etc/passwd.md).\n"],
                path: "content/history.md", line: 5, column: 5, message: "leads outside the content folder"),
        Mistake(name: "two files for one URL", files: ["content/history.md": "---\ntitle: History\n---\nA.\n",
                                                      "content/history/index.md": "---\ntitle: History again\n---\nB.\n"],
                path: "content/history/index.md", line: 1, column: 1, message: "would both be written to history/index.html"),
        Mistake(name: "a static file where a page is written", files: ["content/history.md": "---\ntitle: History\n---\nA.\n",
                                                                      "content/history/index.html": "<p>B</p>\n"],
                path: "history/index.html", line: 1, column: 1, message: "this file and history.md would both be written to history/index.html"),
        Mistake(name: "event refers to a missing ambassador",
                files: ["content/timeline/x.md": "---\ntitle: X\ndate: 1961\nambassadors: [ambassadors/deen.md]\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 4, column: 15, message: "`ambassadors` names ambassadors/deen.md, which does not exist (paths are from the content folder, such as ambassadors/NAME.md); did you mean ambassadors/dean.md?"),
        Mistake(name: "event names an item of the wrong collection",
                files: ["content/timeline/x.md": "---\ntitle: X\ndate: 1961\nambassadors: [index.md]\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 4, column: 15, message: "`ambassadors` names index.md, which is not an item of `chiefs`"),
        // Front matter checked against the collection's declaration, at the value.
        Mistake(name: "a field of the wrong type",
                files: ["content/ambassadors/wright.md": "---\nname: Tom Wright\ntitle: Ambassador\ncredentials: 17 January 1961\n---\nBody.\n"],
                path: "content/ambassadors/wright.md", line: 4, column: 14, message: "`credentials` must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not 17 January 1961"),
        Mistake(name: "a flag that is not one",
                files: ["content/ambassadors/wright.md": "---\nname: Tom Wright\ntitle: Ambassador\ncredentials: 1961-01-17\nappointed_by_inferred: perhaps\n---\nBody.\n"],
                path: "content/ambassadors/wright.md", line: 5, column: 24, message: "`appointed_by_inferred` must be true or false"),
        Mistake(name: "a required field missing",
                files: ["content/timeline/x.md": "---\ntitle: X\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 1, column: 1, message: "missing required key `date` in front matter"),
        Mistake(name: "a key the collection does not declare, with the nearest name",
                files: ["content/ambassadors/wright.md": "---\nname: Tom Wright\ntitle: Ambassador\ncredentials: 1961-01-17\napointed_by: Dwight D. Eisenhower\n---\nBody.\n"],
                path: "content/ambassadors/wright.md", line: 5, column: 1, message: "`apointed_by` is not a field of collection `chiefs`; did you mean `appointed_by`?"),
        Mistake(name: "a declaration with an unknown type",
                files: ["content/site.yaml": "title: T\nlanguage: en\ncollections:\n  events:\n    folder: timeline\n    fields:\n      date: {type: dat, required: true}\n"],
                path: "content/site.yaml", line: 7, column: 20, message: "unknown type `dat`"),
        Mistake(name: "a declaration naming a field it lacks",
                files: ["content/site.yaml": "title: T\nlanguage: en\ncollections:\n  events:\n    folder: timeline\n    start: dates\n    fields:\n      date: date\n"],
                path: "content/site.yaml", line: 6, column: 12, message: "`start` names `dates`, which is not a field of `events`; did you mean `date`?"),
        Mistake(name: "a declaration with an unknown key",
                files: ["content/site.yaml": "title: T\nlanguage: en\ncollections:\n  events:\n    folder: timeline\n    layuot: event\n"],
                path: "content/site.yaml", line: 6, column: 5, message: "unknown key `layuot` in collection `events`; did you mean `layout`?"),
        Mistake(name: "term ends before it starts",
                files: ["content/ambassadors/wright.md": "---\nname: Tom Wright\ntitle: Ambassador\ncredentials: 1961-01-17\nleft: 1960-12-27\n---\nBody.\n"],
                path: "content/ambassadors/wright.md", line: 5, column: 7, message: "`left` (1960-12-27) is before the start (1961-01-17)"),
        Mistake(name: "overlapping terms",
                files: ["content/ambassadors/dean.md": "---\nname: John Dean\ntitle: Chargé\ncredentials: 1960-09-24\nleft: 1961-06-01\n---\nBody.\n"],
                path: "content/ambassadors/wright.md", line: 5, column: 14, message: "starts (1961-01-17) before the previous item of `chiefs`, John Dean, ends (1961-06-01)",
                severity: .warning),
        Mistake(name: "unknown key", files: ["content/history.md": "---\ntitle: History\ntitel: History\n---\nBody.\n"],
                path: "content/history.md", line: 3, column: 1, message: "unknown front matter key `titel`; it is ignored; did you mean `title`?",
                severity: .warning),
        Mistake(name: "template syntax error", files: ["templates/nav.mustache": "<nav>\n{{#nav}}<a href=\"{{href}}\">{{title}}</a>\n</nav>\n"],
                path: "templates/nav.mustache", line: 2, column: 1, message: "template syntax error: the section `nav` is never closed ({{/nav}} is missing)"),
        Mistake(name: "layout that renders nothing", files: ["templates/page.mustache": "{{#page.description}}<p>{{page.description}}</p>{{/page.description}}\n"],
                path: "templates/page.mustache", line: 1, column: 1, message: "this layout renders nothing for content/index.md: a page with no content is not published"),
        Mistake(name: "transform", files: ["templates/page.mustache": "<h1>{{uppercased(page.title)}}</h1>\n{{{page.body}}}\n"],
                path: "templates/page.mustache", line: 1, column: 5, message: "template syntax error: `uppercased(page.title)` is not a name: templates have no functions"),
        Mistake(name: "missing partial", files: ["templates/page.mustache": "<h1>{{page.title}}</h1>\n  {{> sidebar}}\n"],
                path: "templates/page.mustache", line: 2, column: 3, message: "partial `sidebar` does not exist"),
        Mistake(name: "missing layout template", deletions: ["templates/ambassador.mustache"],
                path: "content/ambassadors/dean.md", line: 1, column: 1, message: "layout `ambassador` does not exist"),
        Mistake(name: "page names a missing layout", files: ["content/history.md": "---\ntitle: History\nlayout: wide\n---\nBody.\n"],
                path: "content/history.md", line: 1, column: 1, message: "layout `wide` does not exist"),
        Mistake(name: "empty file", files: ["content/history.md": ""],
                path: "content/history.md", line: 1, column: 1, message: "file is empty"),
        Mistake(name: "missing site settings", deletions: ["content/site.yaml"],
                path: "content/site.yaml", line: 1, column: 1, message: "site settings file is missing"),
        Mistake(name: "invalid base URL", files: ["content/site.yaml": "title: T\nlanguage: en\nbase_url: example.org/mali\n"],
                path: "content/site.yaml", line: 3, column: 1, message: "base URL must be an absolute http or https address"),
        Mistake(name: "navigation to a missing page", files: ["content/site.yaml": "title: T\nlanguage: en\nnavigation:\n  - index.md\n  - nowhere.md\n"],
                path: "content/site.yaml", line: 5, column: 5, message: "navigation names nowhere.md, which is not a published page"),
        Mistake(name: "slug leaving the output folder", files: ["content/history.md": "---\ntitle: History\nslug: ../../etc\n---\nBody.\n"],
                path: "content/history.md", line: 3, column: 7, message: "would also leave the output folder"),
        Mistake(name: "space in a file name", files: ["content/my page.md": "---\ntitle: A\n---\nBody.\n"],
                path: "content/my page.md", line: 1, column: 1, message: "would need escaping in a URL: rename it with letters, digits, - and _ only (for example my-page.md)"),
        Mistake(name: "image that does not exist", files: ["content/history.md": "---\ntitle: History\n---\n\n![Map](images/map.png)\n"],
                path: "content/history.md", line: 5, column: 1, message: "link to images/map.png, which does not exist in the content folder"),
        Mistake(name: "key given twice", files: ["content/history.md": "---\ntitle: History\ntitle: Again\n---\nBody.\n"],
                path: "content/history.md", line: 2, column: 1, message: "key `title` appears more than once in the front matter"),
        Mistake(name: "required key with no value", files: ["content/timeline/x.md": "---\ntitle: X\ndate:\n---\nBody.\n"],
                path: "content/timeline/x.md", line: 3, column: 1, message: "`date` has no value"),
        Mistake(name: "partials in a loop", files: ["templates/nav.mustache": "<nav>{{> crumbs}}</nav>\n", "templates/crumbs.mustache": "{{> nav}}\n"],
                path: "templates/nav.mustache", line: 1, column: 6, message: "partials include each other in a loop: nav → crumbs → nav"),
        Mistake(name: "template links to a page the site does not have",
                files: ["templates/page.mustache": "<h1>{{page.title}}</h1>\n<a href=\"{{root}}archive/\">Archive</a>\n{{{page.body}}}\n"],
                path: "content/index.md", line: 1, column: 1, message: "the page links to archive/, which the site does not have"),
        Mistake(name: "template names a missing asset",
                files: ["templates/base.mustache": "<!DOCTYPE html>\n<html lang=\"{{language}}\"><head><title>{{title}}</title><link rel=\"stylesheet\" href=\"{{assets}}site.css\"></head>\n<body>{{{main}}}</body></html>\n"],
                path: "content/ambassadors/dean.md", line: 1, column: 1, message: "the page links to assets/site.css, which the site does not have"),
        Mistake(name: "backslash in a file name", files: ["content/a\\b.md": "---\ntitle: A\n---\nBody.\n"],
                path: "content/a\\b.md", line: 1, column: 1, message: "contains a backslash"),
    ]

    @Test(arguments: mistakes)
    func mistakeIsReportedAndTheOutputIsUntouched(_ mistake: Mistake) throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = site.snapshot()
        for (path, text) in mistake.files { try site.write(path, text) }
        for path in mistake.deletions { try site.delete(path) }

        let report = site.build()
        let found = report.diagnostics.filter { $0.path == mistake.path && $0.message.contains(mistake.message) }
        #expect(found.count == 1, "expected \(mistake.path): \(mistake.message), got:\n\(report.summary)")
        if let diagnostic = found.first {
            #expect(diagnostic.line == mistake.line && diagnostic.column == mistake.column, "at \(diagnostic)")
            #expect(diagnostic.severity == mistake.severity)
        }
        #expect(report.succeeded == (mistake.severity == .warning))
        if mistake.severity == .error {
            let after = site.snapshot()
            #expect(after.keys.sorted() == before.keys.sorted())
            #expect(after.allSatisfy { before[$0.key]?.0 == $0.value.0 && before[$0.key]?.1 == $0.value.1 })
            #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent(".public.sitegen-staging").path))
        }
    }

    @Test func everyProblemOfARunIsReportedSortedByPathAndLine() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/b.md", "---\ntitle: B\n---\n\n[x](nope.md) and [y](gone.md)\n")
        try site.write("content/a.md", "---\ntitle: [A]\n---\n")
        let report = site.build()
        #expect(report.errors.map { "\($0.path):\($0.line):\($0.column)" } == ["content/a.md:2:8", "content/b.md:5:1", "content/b.md:5:18"])
    }

    @Test func suggestionsComeFromNamesAtMostTwoEditsAway() {
        #expect(editDistance("titel", "title") == 2)
        #expect(editDistance("title", "title") == 0)
        #expect(editDistance("nav_titl", "nav_title") == 1)
        #expect(editDistance("flaw", "lawn") == 2)
        #expect(editDistance("kitten", "sitting") == 3)  // 3: farther than 2
        #expect(editDistance("ab", "abcdef") == 3)       // lengths alone say it
        #expect(editDistance("", "ab") == 2)
        #expect(editDistance("d\u{E9}but", "debut") == 1) // one scalar, not one byte
        #expect(editDistance("e\u{301}", "e") == 1)       // a combining mark is a scalar of its own
    }

    @Test func aDiagnosticFoundTwiceIsReportedOnce() {
        var list = DiagnosticList()
        let warning = Diagnostic.warning("content/a.md", line: 2, column: 1, "same")
        list.append(contentsOf: [.error("content/b.md", "x"), warning, .error("content/a.md", line: 2, column: 1, "same"), warning])
        #expect(list.sorted.map(\.description) == [
            "content/a.md:2:1: error: same", "content/a.md:2:1: warning: same", "content/b.md:1:1: error: x",
        ])
    }

    @Test func invalidUTF8IsReportedAtItsLineAndColumn() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/history.md", Data("---\ntitle: Hé\n---\nab".utf8) + Data([0xFF, 0x41]))
        let report = site.build()
        let error = try #require(report.errors.first)
        #expect(error.description == "content/history.md:4:3: error: file is not valid UTF-8 (byte 21 is 0xFF); save it as UTF-8")
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/history.md", Data([0xEF, 0xBB, 0xBF]) + Data("---\ntitle: History\n---\nBody.\n".utf8))
        let report = site.build()
        #expect(report.diagnostics.isEmpty, "\(report.summary)")
        #expect(site.snapshot()["history/index.html"] != nil)
    }

    @Test func symbolicLinkLeadingOutsideContentIsRejected() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("outside.md", "---\ntitle: Outside\n---\nSecret.\n")
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("content/link.md").path,
                                                   withDestinationPath: site.root.appendingPathComponent("outside.md").path)
        let report = site.build()
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.path == "content/link.md")
        let message = report.errors.first?.message ?? ""
        #expect(message.hasPrefix("content/link.md is a symbolic link to \(site.root.path)/outside.md"), "\(message)")
        #expect(message.contains("outside the content folder; sitegen does not follow it"), "\(message)")
        // About the link, not a place in its text: the printer must not open the path to quote a line of it.
        #expect(report.errors.first?.pointsIntoText == false)
    }

    /// Links that lead back into their own folders, links that lead nowhere and entries that are not files
    /// are each named for what they are, and none is opened: a named pipe would wait for a writer forever.
    @Test(.timeLimit(.minutes(1)))
    func linkLoopsAndSpecialFilesAreNamedForWhatTheyAre() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let content = site.root.appendingPathComponent("content").path
        try site.write("content/notes/page.md", "---\ntitle: Notes\n---\nText.\n")
        for (link, target) in [("self", "."), ("notes/up", ".."), ("loop-a.md", "loop-b.md"), ("loop-b.md", "loop-a.md"),
                               ("gone.md", "missing.md"), ("notes/same.md", "page.md")] {
            try FileManager.default.createSymbolicLink(atPath: content + "/" + link, withDestinationPath: target)
        }
        #expect(mkfifo(content + "/pipe.md", 0o600) == 0)
        let report = site.build(check: true)
        #expect(report.errors.map(\.description) == [
            "content/gone.md:1:1: error: content/gone.md is a symbolic link to missing.md, which does not exist",
            "content/loop-a.md:1:1: error: content/loop-a.md is a symbolic link to loop-b.md that leads back to itself through other links (a loop); sitegen does not follow it",
            "content/loop-b.md:1:1: error: content/loop-b.md is a symbolic link to loop-a.md that leads back to itself through other links (a loop); sitegen does not follow it",
            "content/notes/up:1:1: error: content/notes/up is a symbolic link to .., a folder that holds it (a loop); sitegen does not follow it",
            "content/pipe.md:1:1: error: content/pipe.md is a named pipe, not a file; sitegen reads only files and folders",
            "content/self:1:1: error: content/self is a symbolic link to its own folder (a loop); sitegen does not follow it",
        ], "\(report.summary)")
    }

    /// The printer quotes a line only of a diagnostic that points into text the site read; one about a path
    /// as a whole is printed without a line, whatever the file there holds.
    @Test(.timeLimit(.minutes(1)))
    func onlyDiagnosticsThatPointIntoTextQuoteALine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-quote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("file.md").path
        try Data("API_TOKEN=do-not-print\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(DiagnosticPrinter.text(of: [.error(path, "about the file")]) == "\(path):1:1: error: about the file\n")
        #expect(DiagnosticPrinter.text(of: [.error(path, line: 1, column: 11, "in its text")])
            == "\(path):1:11: error: in its text\nAPI_TOKEN=do-not-print\n          ^\n")
        // A named pipe where a quoted file was is not waited on.
        let pipe = folder.appendingPathComponent("pipe.md").path
        #expect(mkfifo(pipe, 0o600) == 0)
        #expect(DiagnosticPrinter.text(of: [.error(pipe, line: 1, "in its text")]) == "\(pipe):1:1: error: in its text\n")
    }

    /// Control characters from the site (a file name, a value quoted in a message, a line of a page) are
    /// shown escaped, never sent to the terminal; tabs stay, and the caret stays under its column.
    @Test func controlCharactersAreShownEscapedWithTheCaretInPlace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-escape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("page.md").path
        try Data("\tA \u{1B}[2Jred\u{7}\u{85} é [x](nope.md)\n".utf8).write(to: URL(fileURLWithPath: path))
        let column = 1 + "\tA \u{1B}[2Jred\u{7}\u{85} é ".unicodeScalars.count
        let text = DiagnosticPrinter.text(of: [
            .error(path, line: 1, column: column, "link to nope\u{1B}[31m.md, which does not exist"),
            .error(folder.path + "/bad\nname.md", "path contains a control character (or NUL byte)"),
        ])
        #expect(text == """
            \(path):1:\(column): error: link to nope\\u{1B}[31m.md, which does not exist
            \tA \\u{1B}[2Jred\\u{07}\\u{85} é [x](nope.md)
            \t                             ^
            \(folder.path)/bad\\u{0A}name.md:1:1: error: path contains a control character (or NUL byte)

            """)
        #expect(!text.unicodeScalars.contains { $0 != "\n" && $0 != "\t" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) })
    }

    @Test func veryLargeFileIsAWarningAndStillBuilds() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("content/big.md", "---\ntitle: Big\n---\n" + String(repeating: "word ", count: 1_100_000))
        let report = site.build()
        #expect(report.succeeded)
        #expect(report.warnings.map(\.description) == ["content/big.md:1:1: warning: file is 5 MB; is it meant to be a page?"])
    }

    @Test func outputFolderNotMadeBySitegenIsNeverReplaced() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("mine/notes.txt", "precious")
        let report = site.build(output: "mine")
        #expect(report.errors.map(\.message) == ["refusing to write into mine: it is not empty and was not made by sitegen (no .sitegen-output file); choose an empty or new folder"])
        #expect(site.snapshot("mine").mapValues(\.0) == ["notes.txt": Data("precious".utf8)])
        let overlapping = site.build(output: "content")
        #expect(overlapping.errors.first?.message.contains("it overlaps") == true)
    }

    @Test func checkWritesNothing() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let report = site.build(check: true)
        #expect(report.succeeded)
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("public").path))
    }
}
