import FlyingFox
import Foundation
@testable import Preview
import Testing

/// The preview server's HTTP, without a socket: what each request gets.
struct PreviewHandlerTests {
    static let files: [String: [UInt8]] = [
        "index.html": Array("<!DOCTYPE html>\n<html><head><title>Home</title></head>\n<body class=\"home\">\n<p>Home</p>\n</body>\n</html>\n".utf8),
        "history/index.html": Array("<!DOCTYPE html><html><head><title>History</title></head><body><p>History</p></body></html>\n".utf8),
        "404.html": Array("<!DOCTYPE html><html><head><title>Page not found</title></head><body><p>Not here</p></body></html>\n".utf8),
        "assets/style.css": Array("body { color: black }\n".utf8),
        "assets/map.svg": Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".utf8),
        "robots.txt": Array("User-agent: *\n".utf8),
    ]

    static func handler() -> PreviewHandler {
        let state = PreviewState()
        state.publish(changed: files.keys.sorted(), files: files, errors: nil)
        return PreviewHandler(state: state)
    }

    static func get(_ handler: PreviewHandler, _ target: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:]) async throws -> (HTTPResponse, String) {
        let (path, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) } ?? (target, "")
        // As the server makes it from the request line: the raw target, decoded by FlyingFox.
        let withTarget = HTTPRequest(method: method, version: .http11, target: .init(path: path, query: query), headers: headers,
                                     body: HTTPBodySequence())
        let response = try await handler.handleRequest(withTarget)
        return (response, String(decoding: try await response.bodyData, as: UTF8.self))
    }

    @Test(arguments: [
        "/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/x", "/history/..%2f..%2fetc", "/history%2findex.html", "/history%2Findex.html",
        "/..\\etc", "/%5c..%5cetc", "/index.html%00.css", "/a/./b", "/%2e/index.html", "//etc/passwd", "/history//index.html",
        "/..", "/history/..", "/%2e%2e", "/x%0a", "relative",
    ])
    func pathsThatTryToLeaveTheSiteAreRefused(path: String) {
        #expect(PreviewHandler.resolve(rawPath: path, exists: { _ in true }) == .refused)
    }

    @Test func pathsLeadToFilesFoldersRedirectsOrNothing() {
        let exists = { (path: String) in Self.files[path] != nil }
        #expect(PreviewHandler.resolve(rawPath: "/", exists: exists) == .file("index.html"))
        #expect(PreviewHandler.resolve(rawPath: "/history/", exists: exists) == .file("history/index.html"))
        #expect(PreviewHandler.resolve(rawPath: "/history/index.html", exists: exists) == .file("history/index.html"))
        #expect(PreviewHandler.resolve(rawPath: "/history", query: "a=1", exists: exists) == .redirect("/history/?a=1"))
        #expect(PreviewHandler.resolve(rawPath: "/assets/", exists: exists) == .notFound)  // no listings
        #expect(PreviewHandler.resolve(rawPath: "/assets", exists: exists) == .notFound)
        #expect(PreviewHandler.resolve(rawPath: "/no-such-page/", exists: exists) == .notFound)
        #expect(PreviewHandler.resolve(rawPath: "/assets/style%2Ecss", exists: exists) == .file("assets/style.css"))
    }

    @Test func contentTypesAndValidators() async throws {
        let handler = Self.handler()
        for (path, type) in [("/", "text/html; charset=utf-8"), ("/assets/style.css", "text/css; charset=utf-8"),
                             ("/assets/map.svg", "image/svg+xml"), ("/robots.txt", "text/plain; charset=utf-8")] {
            let (response, _) = try await Self.get(handler, path)
            #expect(response.statusCode == .ok)
            #expect(response.headers[.contentType] == type, "\(path)")
            let tag = try #require(response.headers[.eTag])
            let (again, body) = try await Self.get(handler, path, headers: [.ifNoneMatch: tag])
            #expect(again.statusCode == .notModified && body.isEmpty, "\(path)")
        }
        let (stale, _) = try await Self.get(handler, "/assets/style.css", headers: [.ifNoneMatch: "\"0\""])
        #expect(stale.statusCode == .ok)
    }

    @Test func missingPagesGetTheSite404PageWithStatus404() async throws {
        let handler = Self.handler()
        let (response, body) = try await Self.get(handler, "/ambassadors/no-such-person/")
        #expect(response.statusCode == .notFound)
        #expect(body.contains("<p>Not here</p>"))
        let (redirect, _) = try await Self.get(handler, "/history")
        #expect(redirect.statusCode == .movedPermanently && redirect.headers[.location] == "/history/")
        let (refused, _) = try await Self.get(handler, "/%2e%2e/etc/passwd")
        #expect(refused.statusCode == .badRequest)
        let (post, _) = try await Self.get(handler, "/", method: .POST)
        #expect(post.statusCode == .methodNotAllowed && post.headers[HTTPHeader("Allow")] == "GET, HEAD")
    }

    @Test func headHasTheHeadersOfGetAndNoBody() async throws {
        let handler = Self.handler()
        let (get, getBody) = try await Self.get(handler, "/")
        let (head, headBody) = try await Self.get(handler, "/", method: .HEAD)
        #expect(head.statusCode == .ok && headBody.isEmpty)
        #expect(head.headers[.contentLength] == String(getBody.utf8.count))
        #expect(head.headers[.eTag] == get.headers[.eTag])
    }

    @Test func pagesCarryTheReloadScriptAndTheOverlayOnlyAfterAFailure() async throws {
        let state = PreviewState()
        state.publish(changed: Self.files.keys.sorted(), files: Self.files, errors: nil)
        let handler = PreviewHandler(state: state)
        let (_, page) = try await Self.get(handler, "/")
        #expect(page.contains("<script id=\"sitegen-live-reload\">") && page.hasSuffix("</script>\n</body>\n</html>\n"))
        #expect(page.contains("const page = \"index.html\";") || page.contains("[\"index.html\"][0]"))
        #expect(!page.contains("sitegen-errors"))
        let (_, css) = try await Self.get(handler, "/assets/style.css")
        #expect(css == "body { color: black }\n")

        state.publish(changed: [], files: Self.files, errors: "content/a.md:1:2: error: <b>bad</b> & worse\n")
        let (_, broken) = try await Self.get(handler, "/")
        // Right after <body …>, escaped, and the last good page still underneath.
        #expect(broken.contains("<body class=\"home\">\n<div id=\"sitegen-errors\" role=\"alert\""))
        #expect(broken.contains("content/a.md:1:2: error: &lt;b&gt;bad&lt;/b&gt; &amp; worse"))
        #expect(broken.contains("<p>Home</p>"))

        state.publish(changed: ["index.html"], files: Self.files, errors: nil)
        let (_, fixed) = try await Self.get(handler, "/")
        #expect(!fixed.contains("sitegen-errors"))
    }

    @Test func pagesAskWhatChangedAndWaitForTheNextRebuild() async throws {
        let state = PreviewState()
        state.publish(changed: Self.files.keys.sorted(), files: Self.files, errors: nil)
        let handler = PreviewHandler(state: state)
        // Asked about an older rebuild: answered at once.
        state.publish(changed: ["assets/style.css"], files: Self.files, errors: nil)
        let (_, known) = try await Self.get(handler, "/__sitegen/events?since=1")
        #expect(known == #"{"changed":["assets\/style.css"],"failed":false,"generation":2,"overlay":false}"#)
        // Asked about the current one: answered when the next is published, not before.
        async let waiting = Self.get(handler, "/__sitegen/events?since=2")
        while state.waiting == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        state.publish(changed: ["history/index.html"], files: Self.files, errors: "content/history.md:1:1: error: x\n")
        let (_, next) = try await waiting
        #expect(next == #"{"changed":["history\/index.html"],"failed":true,"generation":3,"overlay":true}"#)
        // Too far back to know: reload.
        let (_, forgotten) = try await Self.get(handler, "/__sitegen/events?since=-5")
        #expect(forgotten.contains(#""reload":true"#))
    }
}
