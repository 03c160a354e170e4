import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The preview server against hostile clients, with timeouts of a second or two: huge request lines and
/// heads answered 414 and 431, clients that never finish closed, the bound on connections, no control
/// character in a header. How long normal requests wait meanwhile is asserted against `sitegen serve`
/// itself (`ServeCommandTests.normalRequestsAreAnsweredBesideHostileClients`).
@Suite(.serialized) struct PreviewServerTests {
    /// `sitegen serve` with short timeouts (`Tests/PreviewHarness`), built beside the tests.
    static let harness = CommandLineTests.executable.deletingLastPathComponent().appendingPathComponent("sitegen-preview-harness")

    /// The server in its own process, as an editor runs it: a server in the tests' process would share
    /// their two-thread task pool with every suite running at the same time, and wait for them.
    static func start(_ site: TemporarySite, headerTimeout: Int = 1, idleTimeout: Int = 2, connections: Int = 256, liveReloadSockets: Int = 64) throws -> (ServeCommandTests.Server, Int) {
        let server = try ServeCommandTests.Server(site: site, arguments: [String(headerTimeout), String(idleTimeout), String(connections), String(liveReloadSockets)], executable: harness)
        return (server, server.port)
    }

    /// A client connection: bytes sent as given, the answer read until the server closes or `seconds` pass.
    final class Client {
        let descriptor: Int32

        init(_ port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw ServeCommandTests.Failure(description: "connect: \(errno)") }
        }

        deinit { close(descriptor) }

        /// Ends the connection from this side, as a closed tab does.
        func shutDown() { Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

        /// Sends all of `bytes`; false when the server closed the connection first.
        @discardableResult
        func send(_ bytes: [UInt8]) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return false }
                sent += count
            }
            return true
        }

        @discardableResult
        func send(_ text: String) -> Bool { send(Array(text.utf8)) }

        /// Whether the server has said something (or closed).
        var answered: Bool {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            return poll(&poller, 1, 0) > 0
        }

        /// What arrives until the server closes (`closed`) or `seconds` pass.
        func read(for seconds: Double) -> (text: String, closed: Bool) {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, Int32(max(1, end.timeIntervalSinceNow * 1000))) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
                received += buffer[..<count]
            }
            return (String(decoding: received, as: UTF8.self), false)
        }
    }

    /// A normal request on a new connection: its status line, and how long the answer took.
    static func normalRequest(_ port: Int) throws -> (status: String, seconds: Double) {
        let started = Date()
        let client = try Client(port)
        client.send("GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let (text, _) = client.read(for: 10)
        return (text.components(separatedBy: "\r\n").first ?? "", Date().timeIntervalSince(started))
    }

    @Test func hugeRequestLinesAndHeadsAreRefused() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let (server, port) = try Self.start(site)
        defer { server.stop() }

        let long = try Client(port)
        long.send("GET /" + String(repeating: "a", count: 300_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let refusedLine = long.read(for: 10)
        #expect(refusedLine.text.hasPrefix("HTTP/1.1 414 URI Too Long\r\n") && refusedLine.text.contains("Connection: close"))
        #expect(refusedLine.closed)

        let heavy = try Client(port)
        heavy.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String(repeating: "X-Filler: " + String(repeating: "b", count: 1000) + "\r\n", count: 100) + "\r\n")
        let refusedHead = heavy.read(for: 10)
        #expect(refusedHead.text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        #expect(refusedHead.closed)

        // Many small fields: refused by count, with the same answer (the parser's own limit would give a bare 400).
        let many = try Client(port)
        many.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String(repeating: "X: a\r\n", count: 1000) + "\r\n")
        let refusedMany = many.read(for: 10)
        #expect(refusedMany.text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "\(refusedMany.text.prefix(100))")
        #expect(refusedMany.closed)

        // Just under the limits: answered.
        let fitting = try Client(port)
        fitting.send("GET /about/?" + String(repeating: "q", count: 8000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + String(repeating: "X-Filler: " + String(repeating: "b", count: 1000) + "\r\n", count: 50) + "\r\n")
        #expect(fitting.read(for: 10).text.hasPrefix("HTTP/1.1 200 OK\r\n"))

        // A request with a body, then one without, on one connection: the body is not taken for a head.
        let kept = try Client(port)
        let body = String(repeating: "GET / HTTP/1.1\r\n", count: 1000)
        kept.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body + "GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let both = kept.read(for: 10).text
        #expect(both.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n") && both.contains("HTTP/1.1 200 OK\r\n"), "\(both.prefix(300))")
        #expect(try Self.normalRequest(port).status == "HTTP/1.1 200 OK")
    }

    @Test func unfinishedAndIdleConnectionsAreClosed() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let (server, port) = try Self.start(site)
        defer { server.stop() }

        let silent = try Client(port)
        let slow = try Client(port)
        slow.send("GET / HTTP/1.1\r\n")
        let idle = try Client(port)
        idle.send("GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // The slow client sends a header byte every 100 ms: it never finishes, and others are answered meanwhile.
        for index in 0..<60 where !slow.answered {
            slow.send("X")
            if index % 10 == 0 { #expect(try Self.normalRequest(port).status == "HTTP/1.1 200 OK") }
            usleep(100_000)
        }
        let slowEnd = slow.read(for: 5)
        #expect(slowEnd.closed && slowEnd.text.hasPrefix("HTTP/1.1 408"), "a head trickled byte by byte is closed after the header timeout")
        #expect(silent.read(for: 5).closed, "a connection that sends nothing is closed")
        let idleEnd = idle.read(for: 10)
        #expect(idleEnd.text.hasPrefix("HTTP/1.1 200 OK") && idleEnd.closed, "a kept-alive connection with no next request is closed")
    }

    /// A bare CR or LF in a request's target never reaches a response's header: such a request is answered
    /// 400 and closed, the same bytes encoded are redirected with them still encoded.
    @Test func controlCharactersNeverReachAHeader() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let (server, port) = try Self.start(site)
        defer { server.stop() }
        for target in ["/history?a=\rSet-Cookie:%20x=1", "/history?a=\nb", "/history?a=b\r", "/history\r?a"] {
            let client = try Client(port)
            client.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let (text, closed) = client.read(for: 10)
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n") && closed, "\(target.debugDescription): \(text.prefix(80).debugDescription)")
            #expect(!text.contains("Set-Cookie"))
        }
        let client = try Client(port)
        client.send("GET /history?a=%0D%0ASet-Cookie:%20x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let text = client.read(for: 10).text
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.hasPrefix("HTTP/1.1 301") && head.contains("\r\nLocation: /history/?a=%0D%0ASet-Cookie:%20x=1\r\n"), "\(head.debugDescription)")
        #expect(!head.components(separatedBy: "\r\n").contains { $0.hasPrefix("Set-Cookie") || $0.contains("\r") || $0.contains("\n") })
        // Bare CRs and LFs in the head, other than line ends: none.
        #expect(!head.replacingOccurrences(of: "\r\n", with: "").contains { $0 == "\r" || $0 == "\n" })
    }

    /// At most `connections` are open at once: one more waits, and is answered once one of them is closed.
    @Test func connectionsAreBounded() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let (server, port) = try Self.start(site, connections: 3)
        defer { server.stop() }
        let silent = try (0..<3).map { _ in try Client(port) }
        // The bound is checked before each batch of accepts: the three are accepted before the fourth comes.
        usleep(200_000)
        let waiting = try Client(port)
        waiting.send("GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let answer = waiting.read(for: 10)
        #expect(answer.text.hasPrefix("HTTP/1.1 200 OK"))
        // The silent ones were closed by the header timeout, and not after the waiting request was answered.
        let closedBefore = silent.map { $0.read(for: 0.05).closed }
        #expect(closedBefore.allSatisfy { $0 }, "the fourth connection was answered while three others were open")
    }

    /// Live-reload WebSockets have a bound of their own below the connections': a client holding as many
    /// as it may leaves connections for pages, and past the bound a request for one is refused and closed.
    @Test func liveReloadSocketsAreBounded() throws {
        let site = try LiveSiteTests.projectSite()
        defer { site.remove() }
        let (server, port) = try Self.start(site, idleTimeout: 30, connections: 8, liveReloadSockets: 2)
        defer { server.stop() }
        let upgrade = "GET /__sitegen/events?since=0 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port)\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        // Each made just before it asks: a connection that sends nothing is closed after the header timeout.
        let held = try (0..<2).map { _ -> Client in
            let socket = try Client(port)
            socket.send(upgrade)
            #expect(socket.read(for: 1).text.hasPrefix("HTTP/1.1 101"))
            return socket
        }
        let third = try Client(port)
        third.send(upgrade)
        let answer = third.read(for: 1)
        #expect(answer.text.hasPrefix("HTTP/1.1 400") && answer.closed, "\(answer.text.prefix(300).debugDescription)")
        #expect(try Self.normalRequest(port).status == "HTTP/1.1 200 OK")
        // One closed, and its place is free again.
        held[0].shutDown()
        usleep(300_000)
        let fourth = try Client(port)
        fourth.send(upgrade)
        #expect(fourth.read(for: 1).text.hasPrefix("HTTP/1.1 101"))
    }
}
