import Foundation
import Hummingbird
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

    static func get(_ handler: PreviewHandler, _ target: String, method: HTTPRequest.Method = .get, ifNoneMatch: String? = nil) -> (PreviewHandler.Reply, String) {
        let reply = handler.answer(method: method, target: target, ifNoneMatch: ifNoneMatch)
        return (reply, String(decoding: reply.body, as: UTF8.self))
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

    @Test func contentTypesAndValidators() throws {
        let handler = Self.handler()
        for (path, type) in [("/", "text/html; charset=utf-8"), ("/assets/style.css", "text/css; charset=utf-8"),
                             ("/assets/map.svg", "image/svg+xml"), ("/robots.txt", "text/plain; charset=utf-8")] {
            let (response, _) = Self.get(handler, path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == type, "\(path)")
            let tag = try #require(response.headers[.eTag])
            let (again, body) = Self.get(handler, path, ifNoneMatch: tag)
            #expect(again.status == .notModified && body.isEmpty, "\(path)")
        }
        let (stale, _) = Self.get(handler, "/assets/style.css", ifNoneMatch: "\"0\"")
        #expect(stale.status == .ok)
    }

    @Test func missingPagesGetTheSite404PageWithStatus404() throws {
        let handler = Self.handler()
        let (response, body) = Self.get(handler, "/ambassadors/no-such-person/")
        #expect(response.status == .notFound)
        #expect(body.contains("<p>Not here</p>"))
        let (redirect, _) = Self.get(handler, "/history")
        #expect(redirect.status == .movedPermanently && redirect.headers[.location] == "/history/")
        let (refused, _) = Self.get(handler, "/%2e%2e/etc/passwd")
        #expect(refused.status == .badRequest)
        let (post, _) = Self.get(handler, "/", method: .post)
        #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET, HEAD")
    }

    @Test func headHasTheHeadersOfGetAndNoBody() throws {
        let handler = Self.handler()
        let (get, getBody) = Self.get(handler, "/")
        let (head, headBody) = Self.get(handler, "/", method: .head)
        #expect(head.status == .ok && headBody.isEmpty)
        #expect(head.headers[.contentLength] == String(getBody.utf8.count))
        #expect(head.headers[.eTag] == get.headers[.eTag])
    }

    @Test func pagesCarryTheReloadScriptAndTheOverlayOnlyAfterAFailure() throws {
        let state = PreviewState()
        state.publish(changed: Self.files.keys.sorted(), files: Self.files, errors: nil)
        let handler = PreviewHandler(state: state)
        let (_, page) = Self.get(handler, "/")
        #expect(page.contains("<script id=\"sitegen-live-reload\">") && page.hasSuffix("</script>\n</body>\n</html>\n"))
        #expect(page.contains("const page = \"index.html\";") || page.contains("[\"index.html\"][0]"))
        #expect(!page.contains("sitegen-errors"))
        let (_, css) = Self.get(handler, "/assets/style.css")
        #expect(css == "body { color: black }\n")

        state.publish(changed: [], files: Self.files, errors: "content/a.md:1:2: error: <b>bad</b> & worse\n")
        let (_, broken) = Self.get(handler, "/")
        // Right after <body …>, escaped, and the last good page still underneath.
        #expect(broken.contains("<body class=\"home\">\n<div id=\"sitegen-errors\" role=\"alert\""))
        #expect(broken.contains("content/a.md:1:2: error: &lt;b&gt;bad&lt;/b&gt; &amp; worse"))
        #expect(broken.contains("<p>Home</p>"))

        state.publish(changed: ["index.html"], files: Self.files, errors: nil)
        let (_, fixed) = Self.get(handler, "/")
        #expect(!fixed.contains("sitegen-errors"))
    }

    @Test func pagesAskWhatChangedSinceTheirRebuild() throws {
        let state = PreviewState()
        state.publish(changed: Self.files.keys.sorted(), files: Self.files, errors: nil)
        let handler = PreviewHandler(state: state)
        state.publish(changed: ["assets/style.css"], files: Self.files, errors: nil)
        let (_, known) = Self.get(handler, "/__sitegen/events?since=1")
        #expect(known == #"{"changed":["assets\/style.css"],"failed":false,"generation":2,"overlay":false}"#)
        state.publish(changed: ["history/index.html"], files: Self.files, errors: "content/history.md:1:1: error: x\n")
        let (_, next) = Self.get(handler, "/__sitegen/events?since=2")
        #expect(next == #"{"changed":["history\/index.html"],"failed":true,"generation":3,"overlay":true}"#)
        let (_, none) = Self.get(handler, "/__sitegen/events?since=3")
        #expect(none == #"{"changed":[],"failed":true,"generation":3,"overlay":false}"#)
        // Too far back to know: reload.
        let (_, forgotten) = Self.get(handler, "/__sitegen/events?since=-5")
        #expect(forgotten.contains(#""reload":true"#))
    }

    @Test func aLiveReloadListenerHearsEachRebuildAndIsDroppedWhenItEnds() async throws {
        let state = PreviewState()
        let heard = Task {
            var generations: [Int] = []
            for await generation in state.rebuilds() {
                generations.append(generation)
                if generation == 2 { break }
            }
            return generations
        }
        for _ in 0..<2000 where state.listening == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        #expect(state.listening == 1)
        state.publish(changed: [], files: [:], errors: nil)
        state.publish(changed: [], files: [:], errors: nil)
        let generations = await heard.value
        #expect(generations == [1, 2] || generations == [2])
        // A page gone (its stream ended) leaves nothing behind.
        let gone = Task { for await _ in state.rebuilds() {} }
        for _ in 0..<2000 where state.listening == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        gone.cancel()
        await gone.value
        #expect(state.listening == 0)
    }

    /// A weak validator names the same bytes for `If-None-Match` (RFC 9110's weak comparison).
    @Test func weakValidatorsMatchTheirStrongTag() {
        let handler = Self.handler()
        let (page, _) = Self.get(handler, "/assets/style.css")
        let tag = page.headers[.eTag]!
        for asked in ["W/\(tag)", " W/\(tag) ", "\"other\", W/\(tag)", "*"] {
            #expect(Self.get(handler, "/assets/style.css", ifNoneMatch: asked).0.status == .notModified, "\(asked)")
        }
        for asked in ["W/\"other\"", "W/", "\(tag.dropLast())"] {
            #expect(Self.get(handler, "/assets/style.css", ifNoneMatch: asked).0.status == .ok, "\(asked)")
        }
    }

    /// A query is copied into `Location`: no byte of it may end the header line or start another.
    @Test func aRedirectCarriesNoControlCharacter() {
        let handler = Self.handler()
        for query in ["a=\r", "a=\n", "a=\r\nSet-Cookie:%20x=1", "a=\u{7F}b", "a= b", "é"] {
            let (reply, _) = Self.get(handler, "/history?" + query)
            #expect(reply.status == .movedPermanently)
            let location = try! #require(reply.headers[.location])
            #expect(!location.utf8.contains { $0 < 0x21 || $0 >= 0x7F }, "\(location.debugDescription)")
            #expect(location.hasPrefix("/history/?a=") || location == "/history/?%C3%A9")
        }
        #expect(PreviewHandler.resolve(rawPath: "/history", query: "x=\r1", exists: { $0 == "history/index.html" }) == .redirect("/history/?x=%0D1"))
    }

    /// A server on loopback answers only requests addressed to loopback (no DNS rebinding), and live reload's
    /// WebSocket only pages of its own origin.
    @Test func onlyLoopbackHostsAndTheSameOrigin() {
        for host in ["127.0.0.1:1313", "localhost:1313", "LOCALHOST", "[::1]:1313", "127.1.2.3", "app.localhost:8080"] {
            #expect(PreviewHandler.isLoopback(authority: host), "\(host)")
        }
        for host in ["evil.example", "evil.example:1313", "127.0.0.1.evil.example", "10.0.0.1:1313", "", "[::2]:1313", "127.0.0.256"] {
            #expect(!PreviewHandler.isLoopback(authority: host), "\(host)")
        }
        #expect(!PreviewHandler.isLoopback(authority: nil))
        #expect(PreviewHandler.isSameOrigin("http://127.0.0.1:1313", host: "127.0.0.1:1313"))
        #expect(PreviewHandler.isSameOrigin("http://[::1]:1313", host: "[::1]:1313"))
        #expect(PreviewHandler.isSameOrigin(nil, host: "127.0.0.1:1313"))
        #expect(!PreviewHandler.isSameOrigin("http://evil.example", host: "127.0.0.1:1313"))
        #expect(!PreviewHandler.isSameOrigin("http://127.0.0.1:1314", host: "127.0.0.1:1313"))
        #expect(!PreviewHandler.isSameOrigin("null", host: "127.0.0.1:1313"))
    }
}
