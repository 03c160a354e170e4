import Testing
@testable import SiteGen

struct SitePathTests {
    @Test func pageURLsArePretty() {
        #expect(SitePath.pageURL(forSource: "index.md") == "")
        #expect(SitePath.pageURL(forSource: "history.md") == "history/")
        #expect(SitePath.pageURL(forSource: "ambassadors/index.md") == "ambassadors/")
        #expect(SitePath.pageURL(forSource: "ambassadors/vicki-huddleston.md") == "ambassadors/vicki-huddleston/")
        // A folder's page under Hugo's and Zola's name.
        #expect(SitePath.pageURL(forSource: "_index.md") == "")
        #expect(SitePath.pageURL(forSource: "posts/_index.md") == "posts/")
        #expect(SitePath.pageURL(forSource: "posts/my_index.md") == "posts/my_index/")
        // Either name is a collection's folder page; any other file in the folder is an item.
        let collections = Collections([ContentCollection(name: "events", folder: "timeline", fields: [], location: SourceLocation(line: 1, column: 1))])
        for path in ["timeline/_index.md", "timeline/index.md"] {
            guard case .list(let collection) = collections.place(of: path) else { Issue.record("\(path) is not a folder page"); continue }
            #expect(collection.name == "events")
        }
        guard case .item = collections.place(of: "timeline/my_index.md") else { Issue.record("an item"); return }
        guard case .page = collections.place(of: "timeline/sub/x.md") else { Issue.record("a page below a collection's folder"); return }
    }

    @Test func relativeURLsWorkFromAnyDepth() {
        #expect(SitePath.relative(from: "", to: "history/") == "history/")
        #expect(SitePath.relative(from: "history/", to: "") == "../")
        #expect(SitePath.relative(from: "", to: "") == "./")
        #expect(SitePath.relative(from: "ambassadors/x/", to: "ambassadors/") == "../")
        #expect(SitePath.relative(from: "ambassadors/x/", to: "ambassadors/y/") == "../y/")
        #expect(SitePath.relative(from: "ambassadors/x/", to: "timeline/") == "../../timeline/")
        #expect(SitePath.relative(from: "history/", to: "history/") == "./")
        #expect(SitePath.relative(from: "history/", to: "assets/style.css") == "../assets/style.css")
    }

    @Test func relativeURLsCarryTheirFragment() {
        #expect(SitePath.relative(from: "", to: "history/", fragment: "coup") == "history/#coup")
        #expect(SitePath.relative(from: "", to: "", fragment: "top") == "./#top")
        #expect(SitePath.relative(from: "a/", to: "a/", fragment: "t") == "./#t")
        #expect(SitePath.relative(from: "a/b/", to: "c/", fragment: "x") == "../../c/#x")
        #expect(SitePath.relative(from: "a/", to: "a/b.png", fragment: "") == "b.png#")
        #expect(SitePath.relative(from: "a/b/", to: "a/c/", fragment: "d\u{E9}j\u{E0}") == "../c/#d\u{E9}j\u{E0}")
    }

    @Test func theLinkAuditResolvesFromTheRootPage() {
        let html = ##"<a href="a/">1</a><a href=".">2</a><a href="x.css">3</a><a href="..">4</a><a href="b/c/../d">5</a>"##
        let targets = Array(html.utf8).withUnsafeBufferPointer { LinkAudit.relativeTargets(in: $0, pagePath: "index.html") }
        #expect(targets == ["a/", "", "x.css", "../", "b/d"])
    }

    @Test func linksBySourcePathAreResolvedAgainstTheLinkingFile() {
        var events = ContentCollection(name: "events", folder: "timeline", fields: [], location: SourceLocation(line: 1, column: 1))
        events.itemPages = false
        let links = LinkResolver(markdownPaths: ["index.md", "history.md", "ambassadors/index.md", "ambassadors/dean.md", "timeline/index.md", "timeline/1960-x.md"],
                                 staticFiles: ["images/map.png"], collections: Collections([events]))
        #expect(links.rewrite("history.md#coup", from: "index.md", holderURL: "") == "history/#coup")
        #expect(links.rewrite("../history.md", from: "ambassadors/dean.md", holderURL: "ambassadors/dean/") == "../../history/")
        #expect(links.rewrite("dean.md", from: "ambassadors/index.md", holderURL: "ambassadors/") == "dean/")
        #expect(links.rewrite("../timeline/1960-x.md", from: "ambassadors/dean.md", holderURL: "ambassadors/dean/") == "../../timeline/#1960-x")
        #expect(links.rewrite("1960-x.md", from: "timeline/other.md", holderURL: "timeline/") == "#1960-x")
        #expect(links.rewrite("images/map.png", from: "index.md", holderURL: "") == "images/map.png")
        #expect(links.rewrite("https://example.org/a.md", from: "index.md", holderURL: "") == nil)
        #expect(links.target(of: "ambassadors/", from: "index.md") == .invalid("link ambassadors/ is not a content file; link to a page by its source file, e.g. ambassadors/index.md"))
        #expect(links.target(of: "../../etc/passwd.md", from: "index.md") == .invalid("link ../../etc/passwd.md leads outside the content folder"))
    }

    @Test func unsafePathsAreRefused() {
        #expect(PathSafety.problem(in: "../x.md") != nil)
        #expect(PathSafety.problem(in: "/etc/x.md") != nil)
        #expect(PathSafety.problem(in: "a\\b.md") != nil)
        #expect(PathSafety.problem(in: "a\u{0}b.md") != nil)
        #expect(PathSafety.problem(in: "ambassadors/dean.md") == nil)
        #expect(PathSafety.problem(in: "") == "empty path")
        #expect(PathSafety.problem(in: "/x\\y") == "absolute path /x\\y is not allowed; paths are relative to the content folder")
        #expect(PathSafety.problem(in: "a\\b/../c") == "path a\\b/../c contains a backslash; use / between folders")
        #expect(PathSafety.problem(in: "a\u{7F}/./b") == "path contains a control character (or NUL byte)")
        for leaving in ["a//b.md", "a/./b.md", "a/../b.md", "a/", ".", "..", "../x.md", "x/.."] {
            #expect(PathSafety.problem(in: leaving) == "path \(leaving) contains an empty, `.` or `..` part; it would leave its folder")
        }
        for fine in ["...", "a/...b.md", ".hidden/x.md", "x..md", "Café/naïve.md"] {
            #expect(PathSafety.problem(in: fine) == nil)
        }
    }

    @Test func joinsRelativePathsInsideTheContentFolder() {
        #expect(SitePath.join(sourcePath: "history.md", "officials.md") == "officials.md")
        #expect(SitePath.join(sourcePath: "timeline/1960.md", "../ambassadors/dean.md") == "ambassadors/dean.md")
        #expect(SitePath.join(sourcePath: "timeline/1960.md", "./2012.md") == "timeline/2012.md")
        #expect(SitePath.join(sourcePath: "a/b/c.md", "..//../x.md") == "x.md")
        #expect(SitePath.join(sourcePath: "a/b/index.html", "../") == "a")
        #expect(SitePath.join(sourcePath: "a/index.html", "..") == "")
        #expect(SitePath.join(sourcePath: "index.html", ".") == "")
        #expect(SitePath.join(sourcePath: "index.html", "assets/style.css") == "assets/style.css")
        #expect(SitePath.join(sourcePath: "a/index.html", "../..") == nil)
        #expect(SitePath.join(sourcePath: "index.md", "../outside.md") == nil)
        #expect(SitePath.join(sourcePath: "Café/page.md", "naïve.md") == "Café/naïve.md")
    }

    @Test func everyShapeOfDestinationIsSorted() {
        let links = LinkResolver(markdownPaths: ["index.md", "a b.md", "sub/page.md"], staticFiles: ["files/x"])
        #expect(links.target(of: "", from: "index.md") == .invalid("link has no destination"))
        #expect(links.target(of: "#top", from: "index.md") == .sameDocument(fragment: "top"))
        #expect(links.target(of: "//cdn.example.org/x.md", from: "index.md") == .external)
        #expect(links.target(of: "mailto:a@example.org", from: "index.md") == .external)
        // A leading `/` starts from the content folder, whatever folder the page is in.
        #expect(links.target(of: "/a.md", from: "sub/page.md") == .content(path: "a.md", fragment: nil))
        #expect(links.target(of: "/sub/page.md#x", from: "index.md") == .content(path: "sub/page.md", fragment: "x"))
        #expect(links.target(of: "/a%20b.md", from: "sub/page.md") == .content(path: "a b.md", fragment: nil))
        #expect(links.target(of: "/files/x", from: "sub/page.md") == .content(path: "files/x", fragment: nil))
        #expect(links.target(of: "/../x.md", from: "sub/page.md") == .invalid("link /../x.md leads outside the content folder"))
        #expect(links.target(of: "/sub/", from: "index.md") == .invalid("link /sub/ is not a content file; link to a page by its source file, e.g. /sub/index.md"))
        #expect(links.target(of: "/sub/page", from: "index.md") == .invalid("link /sub/page is not a content file; link to a page by its source file, e.g. /sub/page.md"))
        #expect(links.rewrite("/sub/page.md#x", from: "a b.md", holderURL: "a b/") == "../sub/page/#x")
        #expect(links.rewrite("/a b.md", from: "sub/page.md", holderURL: "sub/page/") == "../../a b/")
        #expect(links.rewrite("/files/x", from: "sub/page.md", holderURL: "sub/page/") == "../../files/x")
        #expect(links.target(of: "a%20b.md#x%20y", from: "index.md") == .content(path: "a b.md", fragment: "x%20y"))
        #expect(links.target(of: "page.md#", from: "sub/page.md") == .content(path: "sub/page.md", fragment: ""))
        #expect(links.target(of: "../files/x", from: "sub/page.md") == .content(path: "files/x", fragment: nil))
        #expect(links.target(of: "x.md", from: "index.md") == .content(path: "x.md", fragment: nil))
        #expect(links.target(of: "y.png", from: "index.md") == .invalid("link to y.png, which does not exist in the content folder"))
        #expect(SitePath.relative(from: "café/x/", to: "café/naïve/") == "../naïve/")
        #expect(SitePath.relative(from: "a/b/", to: "a/b/c.png") == "c.png")
    }

    @Test func theLinkAuditFindsWhereEachRelativeLinkLeads() {
        let html = ##"<a href="a/">1</a><a href=".">2</a><a href="./">3</a><a href="..">4</a><a href="x/.">5</a><a href="x/..">6</a>"##
            + ##"<link href="../style.css?v=1"><img src="i.png#f"><a href="#n">7</a><a href="https://e.org/">8</a><a href="//e.org/">9</a>"##
            + ##"<a href="/root/">10</a><a href="../../..">11</a><a href="x..">12</a><a data-href="no/">13</a>"##
        let targets = Array(html.utf8).withUnsafeBufferPointer { LinkAudit.relativeTargets(in: $0, pagePath: "p/q/index.html") }
        #expect(targets == ["p/q/a/", "p/q/", "p/q/", "p/", "p/q/x/", "p/q/", "p/style.css", "p/q/i.png", "../", "p/q/x.."])
    }
}
