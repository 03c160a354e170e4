import Foundation
import Testing
@testable import SiteGen

struct TemplateSetTests {
    /// Partial tags of parsed templates, with their names, lines and columns (in characters).
    static let cases: [(String, [(String, Int, Int)])] = [
        ("{{> a}}", [("a", 1, 1)]),
        ("{{>b}}", [("b", 1, 1)]),
        ("one\n  {{> two}}\n{{> three}}{{>four}}", [("two", 2, 3), ("three", 3, 1), ("four", 3, 12)]),
        ("é {{> e}}", [("e", 1, 3)]),
        ("{{>\ng\n}} {{> h}}", [("g", 1, 1), ("h", 3, 4)]),
        ("{{# s}}{{> i-j_k.l}}{{/ s}}", [("i-j_k.l", 1, 8)]),
        ("{{=<% %>=}}\n<%> n %>", [("n", 2, 1)]),
        ("", []),
    ]

    @Test func partialReferencesAreFoundWithTheirLinesAndColumns() throws {
        for (text, expected) in Self.cases {
            let found = try MustacheTemplate(parsing: text).partialReferences
            #expect(found.map(\.name) == expected.map(\.0), "\(text)")
            #expect(found.map(\.location.line) == expected.map(\.1), "\(text)")
            #expect(found.map(\.location.column) == expected.map(\.2), "\(text)")
        }
    }

    /// Syntax errors point at the tag in the editor's own text: line and column in characters.
    static let syntaxErrors: [(String, Int, Int, String)] = [
        ("<p>{{title</p>", 1, 4, "a tag is not closed with }}"),
        ("a\n  é {{#list}}\n{{/lists}}", 3, 1, "{{/lists}} closes the section `list` opened at line 2, column 5"),
        ("line\n{{#open}}\n", 2, 1, "the section `open` is never closed"),
        ("{{/stray}}", 1, 1, "{{/stray}} closes no section"),
        ("x {{}}", 1, 3, "a tag has no name"),
        ("{{= a =}}", 1, 1, "a set-delimiter tag needs two delimiters"),
        ("{{{raw}}", 1, 1, "a tag is not closed with }}}"),
        ("{{a..b}}", 1, 1, "is not a name"),
    ]

    @Test func syntaxErrorsNameTheirPlace() {
        for (text, line, column, message) in Self.syntaxErrors {
            #expect(throws: MustacheSyntaxError.self, "\(text)") { _ = try MustacheTemplate(parsing: text) }
            do {
                _ = try MustacheTemplate(parsing: text)
            } catch {
                #expect(error.location == SourceLocation(line: line, column: column), "\(text): \(error)")
                #expect(error.message.contains(message), "\(text): \(error.message)")
            }
        }
    }

    /// A quote or `<` followed by a combining mark is one Character, and an escaper comparing Characters
    /// lets it through; sitegen escapes bytes.
    @Test func aQuoteFollowedByACombiningMarkIsEscaped() throws {
        let template = try MustacheTemplate(parsing: "<a title=\"{{t}}\">{{t}}</a>")
        var renderer = MustacheRenderer(partials: [:])
        renderer.render(template, context: ["t": "\"\u{301} onmouseover=x <\u{301}"])
        #expect(String(decoding: renderer.output, as: UTF8.self)
                == "<a title=\"&quot;\u{301} onmouseover=x &lt;\u{301}\">&quot;\u{301} onmouseover=x &lt;\u{301}</a>")
    }

    /// A name no page's values can have is a warning at its tag, with the nearest name that exists.
    @Test func aNameNoPageHasIsAWarningWhereItStands() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("templates/page.mustache", "<h1>{{page.title}}</h1>\n{{#nav}}{{titel}}{{/nav}}\n  {{page.titel}}\n{{{page.body}}}\n{{#toc}}{{id}}{{/toc}}{{nothing}}\n")
        let report = site.build()
        #expect(report.succeeded)
        let warnings = report.warnings.filter { $0.path == "templates/page.mustache" }.map { "\($0.line):\($0.column) \($0.message)" }
        #expect(warnings == [
            "2:9 no page's values have `titel`; it renders as nothing; did you mean `title`?",
            "3:3 no page's values have `page.titel`; it renders as nothing; did you mean `page.title`?",
            "5:23 no page's values have `nothing`; it renders as nothing",
        ])
    }

    /// The project's own templates use only names their pages have.
    @Test func theSitesTemplatesHaveNoUnknownName() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var diagnostics = DiagnosticList()
        let set = TemplateSet.load(directory: root.appendingPathComponent("templates"), displayRoot: "templates", diagnostics: &diagnostics)
        #expect(set != nil)
        #expect(diagnostics.items.isEmpty, "\(diagnostics.items)")
    }

    /// A template that is a link to a file outside `templates/` is refused, naming the link and where it leads:
    /// a template is published in every page and quoted in errors, so what it leads to must never be read.
    @Test func aTemplateLinkedOutsideIsRefusedWithoutReadingIt() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("secret.env", "API_TOKEN=do-not-print {{#\n")
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/templates/leak.mustache", withDestinationPath: site.root.path + "/secret.env")
        // A link to a template inside the folder is fine.
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/templates/alias.mustache", withDestinationPath: "base.mustache")
        var diagnostics = DiagnosticList()
        let templates = TemplateSet.load(directory: site.root.appendingPathComponent("templates"), displayRoot: "templates", diagnostics: &diagnostics)
        #expect(templates == nil)
        #expect(diagnostics.items.count == 1, "\(diagnostics.items)")
        let error = try #require(diagnostics.items.first)
        #expect(error.path == "templates/leak.mustache")
        #expect(error.message.contains("symbolic link to \(site.root.path)/secret.env, outside the templates folder"))
        #expect(!error.pointsIntoText)
        #expect(!DiagnosticPrinter.text(of: diagnostics.items).contains("API_TOKEN"))
    }

    /// An asset linked to a file outside `templates/` is an error naming the link, and is not published; one
    /// linked to a file inside is published from its real path.
    @Test func anAssetLinkedOutsideIsRefusedAndNotPublished() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("secret.txt", "API_TOKEN=secret123\n")
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/templates/assets/leak.css", withDestinationPath: site.root.path + "/secret.txt")
        let report = site.build()
        #expect(report.errors.map(\.path) == ["templates/assets/leak.css"], "\(report.summary)")
        #expect(!FileManager.default.fileExists(atPath: site.root.path + "/public/assets/leak.css"))
        try FileManager.default.removeItem(atPath: site.root.path + "/templates/assets/leak.css")
        try FileManager.default.createSymbolicLink(atPath: site.root.path + "/templates/assets/alias.css", withDestinationPath: "s.css")
        #expect(site.build().succeeded)
        #expect(FileManager.default.contents(atPath: site.root.path + "/public/assets/alias.css") == FileManager.default.contents(atPath: site.root.path + "/templates/assets/s.css"))
    }

    /// A content file that is a link is read only by its checked real path; a plain path is opened without
    /// following a link, so a file swapped for a link after the folder was listed is not read.
    @Test func contentIsNotReadThroughALinkThatWasNotChecked() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("secret.txt", "API_TOKEN=secret123\n")
        let link = site.root.path + "/content/n.txt"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: site.root.path + "/secret.txt")
        #expect(ContentLoader.readBytes(link, followingLink: false) == nil)
        let loader = ContentLoader(contentDirectory: site.root.appendingPathComponent("content"), displayRoot: "content")
        let (source, problems) = loader.read("n.txt")
        #expect(source == nil)
        #expect(problems.first?.message.contains("outside the content folder") == true)
        #expect(!DiagnosticPrinter.text(of: problems).contains("API_TOKEN"))
    }
}
