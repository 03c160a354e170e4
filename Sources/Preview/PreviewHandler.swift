import FlyingFox
import Foundation
import SiteGen

/// Answers the preview server's requests from the site in memory.
///
/// GET and HEAD only; the site's `404.html` with status 404 for what does not exist; `/folder` redirected to
/// `/folder/`; never a directory listing; a path that tries to leave the site (`..`, encoded slashes or dots,
/// backslashes, NUL) refused before it is looked up; `ETag` and `304 Not Modified`. HTML pages get the live
/// reload script, and the errors of a failed rebuild written into them.
public struct PreviewHandler: HTTPHandler {
    public let state: PreviewState
    /// Where pages ask what changed. Answered before the site's files are looked at: a site file at this
    /// path would be hidden in the preview (and only there).
    public static let eventsPath = "/__sitegen/events"

    public init(state: PreviewState) { self.state = state }

    public func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(statusCode: .methodNotAllowed, headers: [HTTPHeader("Allow"): "GET, HEAD", .contentType: "text/plain; charset=utf-8"],
                                body: Data("Only GET and HEAD.\n".utf8))
        }
        let raw = request.target.path(percentEncoded: true)
        if raw == Self.eventsPath { return await events(request) }
        let snapshot = state.current
        let reply: Reply
        switch Self.resolve(rawPath: raw, query: request.target.query(percentEncoded: true), exists: { snapshot.files[$0] != nil }) {
        case .refused:
            reply = Reply(.badRequest, [.contentType: "text/plain; charset=utf-8"], Data("This path is not allowed.\n".utf8))
        case .redirect(let location):
            reply = Reply(.movedPermanently, [.location: location, .contentType: "text/plain; charset=utf-8"], Data("Moved to \(location)\n".utf8))
        case .file(let path):
            reply = serve(path, status: .ok, snapshot: snapshot, request: request)
        case .notFound:
            if snapshot.files["404.html"] != nil {
                reply = serve("404.html", status: .notFound, snapshot: snapshot, request: request)
            } else {
                reply = Reply(.notFound, [.contentType: "text/plain; charset=utf-8"], Data("Not found.\n".utf8))
            }
        }
        var headers = reply.headers
        // HEAD: the GET answer's headers, its length included, and no body.
        if request.method == .HEAD {
            headers[.contentLength] = String(reply.body.count)
            return HTTPResponse(statusCode: reply.status, headers: headers, body: Data())
        }
        return HTTPResponse(statusCode: reply.status, headers: headers, body: reply.body)
    }

    struct Reply {
        var status: HTTPStatusCode
        var headers: HTTPHeaders
        var body: Data
        init(_ status: HTTPStatusCode, _ headers: HTTPHeaders, _ body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    private func serve(_ path: String, status: HTTPStatusCode, snapshot: PreviewState.Snapshot, request: HTTPRequest) -> Reply {
        guard let file = snapshot.files[path] else { return Reply(.notFound, [:], Data()) }
        let html = path.hasSuffix(".html")
        // A page's bytes also depend on the rebuild it is served from (the reload script names it) and the overlay.
        let tag = html ? "\"\(file.hash)-\(snapshot.generation)\"" : "\"\(file.hash)\""
        var headers: HTTPHeaders = [.contentType: Self.contentType(of: path), .eTag: tag, .cacheControl: "no-cache",
                                    HTTPHeader("X-Content-Type-Options"): "nosniff"]
        if status == .ok, let asked = request.headers[.ifNoneMatch],
           asked.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            headers[.contentType] = nil
            return Reply(.notModified, headers, Data())
        }
        let body = html ? LiveReload.inject(into: file.bytes, path: path, generation: snapshot.generation, errors: snapshot.errors) : Data(file.bytes)
        return Reply(status, headers, body)
    }

    /// `GET /__sitegen/events?since=N`: waits for a rebuild after N (up to 25 s), then says what it changed.
    private func events(_ request: HTTPRequest) async -> HTTPResponse {
        let since = request.query.first { $0.name == "since" }.flatMap { Int($0.value) } ?? 0
        let snapshot = await state.waitForRebuild(after: since, timeout: 25)
        var reply: [String: Any] = ["generation": snapshot.generation, "failed": snapshot.errors != nil]
        if let changes = state.changes(after: since) {
            reply["changed"] = changes.changed.sorted()
            reply["overlay"] = changes.overlayChanged
            reply["generation"] = changes.generation
        } else {
            reply["changed"] = [String]()
            reply["reload"] = true
        }
        let body = (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])) ?? Data("{}".utf8)
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: body)
    }

    public enum Resolution: Equatable, Sendable {
        case file(String)
        case redirect(String)
        case notFound
        case refused
    }

    /// Where a request path leads, from its raw, percent-encoded form. Anything that could name a file
    /// outside the site, or the same file two ways, is refused before any lookup: the server holds only the
    /// site in memory, but a path is never trusted.
    public static func resolve(rawPath: String, query: String = "", exists: (String) -> Bool) -> Resolution {
        guard rawPath.hasPrefix("/") else { return .refused }
        let lowered = rawPath.lowercased()
        // Encoded slashes, backslashes and NUL, and any control character, are never part of a site path.
        for forbidden in ["%2f", "%5c", "%00", "\\"] where lowered.contains(forbidden) { return .refused }
        if rawPath.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return .refused }
        guard let decoded = rawPath.removingPercentEncoding else { return .refused }
        if decoded.contains("\0") || decoded.contains("\\") || decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .refused
        }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        // `..` and `.` (also when encoded, `%2e%2e`, since this is the decoded path) and empty segments (`//`).
        for (index, segment) in segments.enumerated() {
            if segment == ".." || segment == "." { return .refused }
            if segment.isEmpty, index != segments.count - 1 { return .refused }
        }
        let path = segments.joined(separator: "/")
        if path.isEmpty || path.hasSuffix("/") {
            let index = path + "index.html"
            return exists(index) ? .file(index) : .notFound
        }
        if exists(path) { return .file(path) }
        if exists(path + "/index.html") { return .redirect(rawPath + "/" + (query.isEmpty ? "" : "?" + query)) }
        return .notFound
    }

    /// The media type of the site's kinds of files.
    public static func contentType(of path: String) -> String {
        let suffix = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch suffix {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "xml": return "application/xml"
        case "atom": return "application/atom+xml"
        case "rss": return "application/rss+xml"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "avif": return "image/avif"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "woff": return "font/woff"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }
}
