import Foundation
import Hummingbird
import SiteGen

/// Answers the preview server's requests from the site in memory.
///
/// GET and HEAD only; the site's `404.html` with status 404 for what does not exist; `/folder` redirected to
/// `/folder/`; never a directory listing; a path that tries to leave the site (`..`, encoded slashes or dots,
/// backslashes, NUL) refused before it is looked up; `ETag` and `304 Not Modified`. HTML pages get the live
/// reload script, and the errors of a failed rebuild written into them. Knows nothing of sockets: the
/// server (`PreviewServer`) hands it the request line's method and target and the `If-None-Match` field.
public struct PreviewHandler: Sendable {
    public let state: PreviewState
    /// Where pages learn what changed: a WebSocket (`LiveReload`), or a plain GET that says at once what
    /// changed since a generation. Answered before the site's files are looked at: a site file at this
    /// path would be hidden in the preview (and only there).
    public static let eventsPath = "/__sitegen/events"

    public init(state: PreviewState) { self.state = state }

    /// A response, before the server writes it.
    public struct Reply: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var body: [UInt8]
        init(_ status: HTTPResponse.Status, _ headers: HTTPFields, _ body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
        init(_ status: HTTPResponse.Status, text: String, _ headers: HTTPFields = [:]) {
            var fields = headers
            fields[.contentType] = "text/plain; charset=utf-8"
            self.init(status, fields, Array(text.utf8))
        }
    }

    /// - Parameter target: the request line's target, raw (`/path?query`, percent-encoded as sent).
    public func answer(method: HTTPRequest.Method, target: String, ifNoneMatch: String? = nil) -> Reply {
        guard method == .get || method == .head else {
            return Reply(.methodNotAllowed, text: "Only GET and HEAD.\n", [.allow: "GET, HEAD"])
        }
        let (raw, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) } ?? (target, "")
        if raw == Self.eventsPath {
            let since = Self.generation(inQuery: query)
            var reply = Reply(.ok, [.contentType: "application/json", .cacheControl: "no-store"], Array(update(after: since).json.utf8))
            if method == .head { reply.body = [] }
            return reply
        }
        let snapshot = state.current
        var reply: Reply
        switch Self.resolve(rawPath: raw, query: query, exists: { snapshot.files[$0] != nil }) {
        case .refused:
            reply = Reply(.badRequest, text: "This path is not allowed.\n")
        case .redirect(let location):
            reply = Reply(.movedPermanently, text: "Moved to \(location)\n", [.location: location])
        case .file(let path):
            reply = serve(path, status: .ok, snapshot: snapshot, ifNoneMatch: ifNoneMatch)
        case .notFound:
            if snapshot.files["404.html"] != nil {
                reply = serve("404.html", status: .notFound, snapshot: snapshot, ifNoneMatch: ifNoneMatch)
            } else {
                reply = Reply(.notFound, text: "Not found.\n")
            }
        }
        // HEAD: the GET answer's headers, its length included, and no body.
        if method == .head {
            reply.headers[.contentLength] = String(reply.body.count)
            reply.body = []
        }
        return reply
    }

    private func serve(_ path: String, status: HTTPResponse.Status, snapshot: PreviewState.Snapshot, ifNoneMatch: String?) -> Reply {
        guard let file = snapshot.files[path] else { return Reply(.notFound, [:], []) }
        let html = path.hasSuffix(".html")
        // A page's bytes also depend on the rebuild it is served from (the reload script names it) and the overlay.
        let tag = html ? "\"\(file.hash)-\(snapshot.generation)\"" : "\"\(file.hash)\""
        var headers: HTTPFields = [.contentType: Self.contentType(of: path), .eTag: tag, .cacheControl: "no-cache",
                                   .xContentTypeOptions: "nosniff"]
        if status == .ok, let asked = ifNoneMatch, Self.matches(asked, tag: tag) {
            headers[.contentType] = nil
            return Reply(.notModified, headers, [])
        }
        let body = html ? LiveReload.inject(into: file.bytes, path: path, generation: snapshot.generation, errors: snapshot.errors) : file.bytes
        return Reply(status, headers, body)
    }

    /// Whether an `If-None-Match` list names `tag`. The comparison is the weak one RFC 9110 asks of
    /// `If-None-Match`: `W/"x"` matches `"x"` (a proxy or a browser may weaken a validator it was given).
    /// Whether `authority` (a request's `Host`) names this machine by a loopback name or address. A server
    /// bound to loopback answers only such requests: a page of another site whose name an attacker points at
    /// 127.0.0.1 (DNS rebinding) would otherwise read the preview as its own origin.
    public static func isLoopback(authority: String?) -> Bool {
        guard var host = authority?.lowercased(), !host.isEmpty else { return false }
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return false }
            host = String(host[host.index(after: host.startIndex)..<end])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether a WebSocket's `Origin` is the page's own server (`host`, its `Host`): live reload tells what
    /// files the site has, which a page of another site has no business hearing.
    public static func isSameOrigin(_ origin: String?, host: String?) -> Bool {
        guard let origin else { return true }  // no Origin: not a page in a browser
        guard let host else { return false }
        let lowered = origin.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            return String(lowered.dropFirst(scheme.count)) == host.lowercased()
        }
        return false
    }

    public static func matches(_ ifNoneMatch: String, tag: String) -> Bool {
        func opaque(_ tag: Substring) -> Substring {
            let trimmed = tag.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            let text = Substring(trimmed)
            return text.hasPrefix("W/") ? text.dropFirst(2) : text
        }
        let own = opaque(Substring(tag))
        return ifNoneMatch.split(separator: ",").contains { opaque($0) == own || opaque($0) == "*" }
    }

    /// What changed after generation `since`, as the live-reload script reads it, and the generation it brings the page to.
    func update(after since: Int) -> (json: String, generation: Int) {
        let snapshot = state.current
        var reply: [String: Any] = ["generation": snapshot.generation, "failed": snapshot.errors != nil]
        var generation = snapshot.generation
        if let changes = state.changes(after: since) {
            reply["changed"] = changes.changed.sorted()
            reply["overlay"] = changes.overlayChanged
            reply["generation"] = changes.generation
            generation = changes.generation
        } else {
            reply["changed"] = [String]()
            reply["reload"] = true
        }
        let body = (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])) ?? Data("{}".utf8)
        return (String(decoding: body, as: UTF8.self), generation)
    }

    /// The `since=N` of an events request's query; 0 when there is none.
    static func generation(inQuery query: String) -> Int {
        for item in query.split(separator: "&") where item.hasPrefix("since=") {
            return Int(item.dropFirst("since=".count)) ?? 0
        }
        return 0
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
        if exists(path + "/index.html") { return .redirect(headerSafe(rawPath + "/" + (query.isEmpty ? "" : "?" + query))) }
        return .notFound
    }

    /// `text` with every byte a header field may not carry as it is (controls, CR and LF among them, space,
    /// and non-ASCII) percent-encoded: a query is copied into `Location`, and must never end the header or
    /// start another.
    static func headerSafe(_ text: String) -> String {
        var safe = ""
        for byte in text.utf8 {
            if byte <= 0x20 || byte >= 0x7F {
                safe += String(format: "%%%02X", byte)
            } else {
                safe.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return safe
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
