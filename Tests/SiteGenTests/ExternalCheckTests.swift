import Foundation
import Testing
@testable import SiteGen

/// `sitegen check --external` against a server on loopback that this test starts: no request leaves the machine.
@Suite(.serialized)
struct ExternalCheckTests {
    /// Short, so that the answers that never come cost little, yet long enough for a loopback answer on a busy machine.
    static let limits = LinkChecker.Limits(timeout: 1.5, perHost: 4, total: 16)

    @Test func eachAnswerIsClassified() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let silent = try SilentPort()
        defer { silent.close() }
        let closed = try SilentPort.closedPort()
        let base = server.base
        let urls = [
            "ok": "\(base)/ok", "moved": "\(base)/moved", "missing": "\(base)/missing", "broken": "\(base)/broken",
            "slow": "\(base)/slow", "silent": "http://127.0.0.1:\(silent.port)/", "closed": "http://127.0.0.1:\(closed)/",
            "noHead": "\(base)/no-head", "dropsHead": "\(base)/drops-head", "loop": "\(base)/loop", "far": "\(base)/hop/12",
            "fragment": "\(base)/ok#section",
        ]
        let results = await LinkChecker(limits: Self.limits).check(Array(urls.values))
        func verdict(_ name: String) -> LinkCheckResult.Verdict? { results[urls[name]!]?.verdict }
        #expect(results[urls["ok"]!] == LinkCheckResult(verdict: .alive(status: 200)))
        #expect(results[urls["moved"]!] == LinkCheckResult(redirects: [.init(from: "\(base)/moved", status: 301, to: "\(base)/ok")],
                                                           verdict: .alive(status: 200)))
        #expect(verdict("missing") == .dead(.status(404)))
        #expect(verdict("broken") == .dead(.status(500)))
        #expect(verdict("slow") == .dead(.timedOut))
        #expect(verdict("silent") == .dead(.timedOut))
        #expect(verdict("closed") == .dead(.refused))
        #expect(verdict("noHead") == .alive(status: 200))
        #expect(verdict("dropsHead") == .alive(status: 200))
        #expect(verdict("loop") == .dead(.redirectLoop))
        #expect(verdict("far") == .dead(.tooManyRedirects))
        #expect(results[urls["far"]!]?.redirects.count == 11)
        #expect(verdict("fragment") == .alive(status: 200))
        // HEAD first; GET only where HEAD was refused.
        let requests = server.requests
        #expect(requests.filter { $0.path == "/no-head" }.map(\.method) == ["HEAD", "GET"])
        #expect(requests.filter { $0.path == "/drops-head" }.map(\.method) == ["HEAD", "GET"])
        #expect(requests.filter { $0.path == "/missing" }.map(\.method) == ["HEAD"])
        #expect(requests.filter { $0.path == "/ok" }.map(\.method) == ["HEAD", "HEAD", "HEAD"])  // itself, the fragment's, moved's target
    }

    @Test func redirectsAreFollowedWithTheirChain() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let base = server.base
        let result = try #require(await LinkChecker(limits: Self.limits).check(["\(base)/hop/3"]).values.first)
        #expect(result.redirects == [
            .init(from: "\(base)/hop/3", status: 302, to: "\(base)/hop/2"),
            .init(from: "\(base)/hop/2", status: 302, to: "\(base)/hop/1"),
            .init(from: "\(base)/hop/1", status: 302, to: "\(base)/hop/0"),
        ])
        #expect(result.verdict == .alive(status: 200))
        #expect(result.chain == "\(base)/hop/3 (302) → \(base)/hop/2 (302) → \(base)/hop/1 (302) → \(base)/hop/0 (200)")
    }

    /// The server counts the requests it is answering at once; each holds its answer a moment so that they overlap.
    @Test func requestsToOneHostAreLimitedAndSoIsTheTotal() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let urls = (0..<8).map { "\(server.base)/hold/\($0)" }
        let perHost = await LinkChecker(limits: .init(timeout: 5, perHost: 2, total: 16)).check(urls)
        #expect(perHost.values.allSatisfy { $0.verdict == .alive(status: 200) })
        #expect(server.mostAtOnce == 2)
        server.resetCount()
        _ = await LinkChecker(limits: .init(timeout: 5, perHost: 8, total: 3)).check(urls.map { $0 + "?again" })
        #expect(server.mostAtOnce == 3)
    }

    @Test func deadLinksAreReportedWhereTheyAreUsed() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let site = try Self.site(base: server.base)
        defer { site.remove() }
        let report = await ExternalCheck.run(Self.options(site))
        let gala = Self.gala(base: server.base), page = "content/concerts/1995-05-12-spring-gala.md"
        func at(_ needle: String, _ occurrence: Int = 1) -> String { Self.place(of: needle, occurrence, in: gala, path: page) }
        #expect(report.diagnostics.map(\.description) == [
            "\(at("[a dead")): error: dead link: \(server.base)/missing (404 Not Found)",
            "\(at("[one that")): warning: \(server.base)/moved redirects: \(server.base)/moved (301) → \(server.base)/ok (200); it has moved: link to \(server.base)/ok",
            "content/sources/broken.md:4:6: error: dead link: \(server.base)/broken (500 Internal Server Error); cited at \(at("[^@broken]"))",
            "content/sources/gazette.md:4:6: warning: dead link: \(server.base)/missing (404 Not Found); dead, archived copy at \(server.base)/ok; cited at \(at("[^@gazette]")), \(at("[^@gazette]", 2))",
            "content/sources/lost.md:4:6: error: dead link: \(server.base)/missing (404 Not Found); its archived copy \(server.base)/broken is dead too (500 Internal Server Error)",
            "content/sources/lost.md:5:14: error: dead link: \(server.base)/broken (500 Internal Server Error)",
        ])
        #expect(report.summary == "external links: 4 URLs checked: 2 dead (1 with an archived copy), 1 redirected")
        // Links to other schemes, and `[x](https://…)` shown as code, are not checked.
        #expect(!server.requests.contains { $0.path.contains("code") })
    }

    @Test func resultsAreCachedForADay() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let site = try Self.site(base: server.base)
        defer { site.remove() }
        // A closed port never reaches a server: it is not cached, and asked again each time.
        try site.write("content/about.md", "---\ntitle: About\n---\n\n[Down](http://127.0.0.1:\(try SilentPort.closedPort())/).\n")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = await ExternalCheck.run(Self.options(site, now: now))
        let asked = server.requests.count
        #expect(first.requested == 5 && asked >= 4)
        #expect(FileManager.default.fileExists(atPath: site.root.appendingPathComponent(LinkCheckCache.fileName).path))

        let second = await ExternalCheck.run(Self.options(site, now: now.addingTimeInterval(3600)))
        #expect(server.requests.count == asked)
        #expect((second.requested, second.cached) == (1, 4))
        #expect(second.diagnostics == first.diagnostics)

        let refreshed = await ExternalCheck.run(Self.options(site, refresh: true, now: now.addingTimeInterval(3600)))
        #expect(server.requests.count == 2 * asked)
        #expect(refreshed.requested == 5 && refreshed.diagnostics == first.diagnostics)

        // The refresh wrote its results anew; a day after them, they are asked again.
        let nextDay = await ExternalCheck.run(Self.options(site, now: now.addingTimeInterval(3600 + 24 * 3600 + 1)))
        #expect(server.requests.count == 3 * asked)
        #expect(nextDay.requested == 5)
    }

    @Test func aCacheThatCannotBeWrittenIsAWarning() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let site = try Self.site(base: server.base)
        defer { site.remove() }
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent(LinkCheckCache.fileName), withIntermediateDirectories: false)
        let report = await ExternalCheck.run(Self.options(site))
        #expect(report.diagnostics.filter { $0.severity == .warning }.map(\.description).contains {
            $0.hasPrefix("\(LinkCheckCache.fileName):1:1: warning: could not write the cache of external links")
        })
        #expect(report.dead == 2)
    }

    @Test func theURLsOfTheSiteAreFoundWithTheirPlaces() throws {
        let site = try Self.site(base: "http://example.test")
        defer { site.remove() }
        var diagnostics = DiagnosticList()
        let links = try #require(ExternalLinks.collect(options: BuildOptions(jobs: 2, workingDirectory: site.root.path), diagnostics: &diagnostics))
        #expect(links.urls == ["http://example.test/broken", "http://example.test/missing", "http://example.test/moved", "http://example.test/ok"])
        #expect(links.uses["http://example.test/ok"]?.map(\.place.description) == ["content/sources/gazette.md:5:14"])
        #expect(links.uses["http://example.test/ok"]?.first?.kind == .field("archive_url", source: "gazette"))
        #expect(links.archives["gazette"]?.archive == "http://example.test/ok")
        #expect(links.citations["broken"]?.map(\.description) == ["content/concerts/1995-05-12-spring-gala.md:8:14"])
        #expect(links.uses["http://example.test/missing"]?.map(\.place.description) == ["content/concerts/1995-05-12-spring-gala.md:6:5", "content/sources/gazette.md:4:6", "content/sources/lost.md:4:6"])
    }

    /// The command as an editor runs it: the exit status says whether a link is dead.
    @Test func theCommandFailsOnADeadLinkOnly() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let site = try Self.site(base: server.base)
        defer { site.remove() }
        let command = CommandLineTests()
        var result = try command.run(["check", "--external", "--timeout", "2"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        #expect(result.errors.contains("content/sources/broken.md:4:6: error: dead link: \(server.base)/broken (500 Internal Server Error)"))
        #expect(result.output == "sitegen: external links: 4 URLs checked: 2 dead (1 with an archived copy), 1 redirected\n")

        // Dead links mended: the redirect and the archived copy are warnings, which fail only with --strict.
        try site.write("content/sources/broken.md", "---\nkind: web page\ntitle: Broken\nurl: \(server.base)/ok\n---\n")
        try site.write("content/sources/lost.md", "---\nkind: web page\ntitle: Lost\nurl: \(server.base)/ok\n---\n")
        try site.write("content/concerts/1995-05-12-spring-gala.md", Self.gala(base: server.base).replacingOccurrences(of: "[a dead page](\(server.base)/missing)", with: "a page"))
        result = try command.run(["check", "--external"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasSuffix("sitegen: checked, no errors\n"))
        #expect(result.output.contains("from the last day's cache"))
        result = try command.run(["check", "--external", "--strict"], in: site.root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)

        result = try command.run(["check", "--timeout", "2"], in: site.root)
        #expect(result.status == 64)
        #expect(result.errors.contains("--timeout applies to --external only"))
    }

    // MARK: - The site

    /// `path:line:column` of the `occurrence`th `needle` in `text`, columns in characters.
    static func place(of needle: String, _ occurrence: Int = 1, in text: String, path: String) -> String {
        var seen = 0
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            var rest = line[...]
            while let range = rest.range(of: needle) {
                seen += 1
                if seen == occurrence { return "\(path):\(index + 1):\(line.distance(from: line.startIndex, to: range.lowerBound) + 1)" }
                rest = line[range.upperBound...]
            }
        }
        return "\(needle) not found"
    }

    static func options(_ site: TemporarySite, refresh: Bool = false, now: Date = Date()) -> ExternalCheck.Options {
        ExternalCheck.Options(build: BuildOptions(jobs: 2, workingDirectory: site.root.path), limits: limits, refresh: refresh, now: now)
    }

    static func gala(base: String) -> String {
        """
        ---
        title: Spring gala
        on: 1995-05-12
        ---

        See [a dead page](\(base)/missing), [one that moved](\(base)/moved).[^@gazette]
        Mail [us](mailto:box@example.test), and `[code](\(base)/code)` is text.
        The programme[^@broken] and again.[^@gazette]

        """
    }

    /// The orchestra fixture with sources: one whose url is dead with an archived copy that answers, one dead
    /// without, one whose url and archive are both dead (cited by nobody), and a page linking a dead and a moved URL.
    static func site(base: String) throws -> TemporarySite {
        let site = try TemporarySite(fixture: "orchestra")
        var settings = try String(contentsOf: site.root.appendingPathComponent("content/site.yaml"), encoding: .utf8)
        settings += """
              sources:
                folder: sources
                item_pages: false
                citable: true
                fields:
                  kind: {type: text, required: true}
                  title: {type: text, required: true}
                  url: url
                  archive_url: url

            """
        try site.write("content/site.yaml", settings)
        try site.write("content/sources/index.md", "---\ntitle: Sources\n---\n\nEvery source.\n")
        try site.write("content/sources/gazette.md", "---\nkind: news article\ntitle: Gazette\nurl: \(base)/missing\narchive_url: \(base)/ok\n---\n")
        try site.write("content/sources/broken.md", "---\nkind: web page\ntitle: Broken\nurl: \(base)/broken\n---\n")
        try site.write("content/sources/lost.md", "---\nkind: web page\ntitle: Lost\nurl: \(base)/missing\narchive_url: \(base)/broken\n---\n")
        try site.write("content/concerts/1995-05-12-spring-gala.md", gala(base: base))
        return site
    }
}

// MARK: - Servers on loopback

/// An HTTP/1.1 server on 127.0.0.1, one thread per connection, each answer closing its connection. It records
/// every request and the most it answered at once.
///
/// `/ok` 200; `/moved` 301 to /ok; `/missing` 404; `/broken` 500; `/slow` answers after 4 s; `/no-head` 405 to
/// HEAD, 200 to GET; `/drops-head` closes a HEAD's connection unanswered, 200 to GET; `/loop` 301 to itself;
/// `/hop/N` 302 to /hop/N-1, /hop/0 200; `/hold/…` 200 after 0.2 s.
final class LoopbackServer: @unchecked Sendable {
    struct Request: Sendable { var method: String; var path: String }

    let port: UInt16
    var base: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let lock = NSLock()
    private var log: [Request] = []
    private var atOnce = 0
    private var most = 0

    var requests: [Request] { lock.withLock { log } }
    var mostAtOnce: Int { lock.withLock { most } }
    func resetCount() { lock.withLock { most = 0 } }

    init() throws {
        (listener, port) = try Self.listen()
        let listener = listener
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }  // closed by stop()
                Thread.detachNewThread { self.serve(connection) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    /// A socket listening on 127.0.0.1 at a port the system picks.
    static func listen() throws -> (Int32, UInt16) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound, Glibc.listen(socket, 64) == 0 else {
            Glibc.close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        return (socket, UInt16(bigEndian: address.sin_port))
    }

    private func serve(_ connection: Int32) {
        defer { Glibc.close(connection) }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8), head.count < 16_384 {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return }
            head += buffer[0..<count]
        }
        let words = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first?.split(separator: " ") ?? []
        guard words.count >= 2 else { return }
        let method = String(words[0]), path = String(words[1])
        lock.withLock {
            log.append(Request(method: method, path: path))
            atOnce += 1
            most = max(most, atOnce)
        }
        // A request stops counting before its answer is sent: the client may start its next one as soon as the
        // answer arrives, which must not find this one still counted.
        var counted = true
        func leave() {
            if counted { lock.withLock { atOnce -= 1 } }
            counted = false
        }
        defer { leave() }
        func answer(_ status: Int, _ headers: String = "") {
            leave()
            let body = method == "HEAD" || status != 200 ? "" : "ok"
            let text = "HTTP/1.1 \(status) \(LinkFailure.reason(status))\r\n\(headers)Content-Length: \(status == 200 ? 2 : 0)\r\nConnection: close\r\n\r\n\(body)"
            _ = text.withCString { send(connection, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        }
        switch path {
        case "/ok": answer(200)
        case "/moved": answer(301, "Location: /ok\r\n")
        case "/missing": answer(404)
        case "/broken": answer(500)
        case "/slow":
            Thread.sleep(forTimeInterval: 4)
            answer(200)
        case "/no-head": answer(method == "HEAD" ? 405 : 200)
        case "/drops-head": if method != "HEAD" { answer(200) }
        case "/loop": answer(301, "Location: /loop\r\n")
        case _ where path.hasPrefix("/hop/"):
            let number = Int(path.dropFirst(5)) ?? 0
            if number == 0 { answer(200) } else { answer(302, "Location: /hop/\(number - 1)\r\n") }
        case _ where path.hasPrefix("/hold/"):
            Thread.sleep(forTimeInterval: 0.2)
            answer(200)
        default: answer(404)
        }
    }
}

/// A port that accepts connections (the system completes them for the listening socket) and never answers.
struct SilentPort {
    let socket: Int32
    let port: UInt16

    init() throws { (socket, port) = try LoopbackServer.listen() }

    func close() { Glibc.close(socket) }

    /// A port nothing listens on: one the system gave, closed again.
    static func closedPort() throws -> UInt16 {
        let (socket, port) = try LoopbackServer.listen()
        Glibc.close(socket)
        return port
    }
}
