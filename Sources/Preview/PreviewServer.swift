import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import SiteGen
#if canImport(Glibc)
import Glibc
#endif

/// `sitegen serve`: the site built in memory, rebuilt after each save, served over HTTP.
///
/// Three parts with one job each: a `LiveSite` that rebuilds only what an edit changed, a `FileWatcher`
/// thread that turns a burst of file events into one rebuild, and Hummingbird (on SwiftNIO) answering
/// requests from the published `PreviewState` and holding each page's live-reload WebSocket. Rebuilds run
/// one after another on the watcher's thread; requests never wait for one.
public final class PreviewServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var build: BuildOptions
        public var address: String
        public var port: UInt16
        /// Each rebuild's phases in its summary line.
        public var timings: Bool
        public var limits: Limits

        public init(build: BuildOptions, address: String = "127.0.0.1", port: UInt16 = 1313, timings: Bool = false, limits: Limits = Limits()) {
            self.build = build
            self.address = address
            self.port = port
            self.timings = timings
            self.limits = limits
        }
    }

    /// What one client may hold of the server: no request, slow or huge, keeps others waiting.
    public struct Limits: Sendable {
        /// The request line, in bytes; longer is answered 414 and closed.
        public var requestLine: Int
        /// The request line and header fields, in bytes; more is answered 431 and closed.
        public var head: Int
        /// Header fields of one request; more is answered 431 and closed (SwiftNIO's parser refuses a few
        /// hundred small ones with a bare 400 of its own).
        public var fields: Int = 256
        /// From a connection's start, or a head's first byte, to the head's end; longer is answered 408 and closed.
        public var headerTimeout: Duration
        /// A kept-alive connection with no request is closed after this long (pages reopen one when they need it).
        public var idleTimeout: Duration
        /// Connections open at once; more wait in the listening socket's queue until one closes.
        public var connections: Int
        /// Live-reload WebSockets open at once, a part of `connections`: they stay open as long as their page,
        /// and without this bound a client holding a thousand of them would leave no connection for a page.
        /// Past it, a page's request for one is refused and closed (the page asks again a second later).
        public var liveReloadSockets: Int = 256

        public init(requestLine: Int = 8 * 1024, head: Int = 64 * 1024, headerTimeout: Duration = .seconds(10),
                    idleTimeout: Duration = .seconds(30), connections: Int = 1024) {
            self.requestLine = requestLine
            self.head = head
            self.headerTimeout = headerTimeout
            self.idleTimeout = idleTimeout
            self.connections = connections
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let options: Options
    public let state = PreviewState()
    private let site: LiveSite
    /// What each rebuild reports: the terminal's lines.
    private let report: @Sendable (String, [Diagnostic]) -> Void
    private let stopping = NSLock()
    private var stopped = false
    private var serving: Task<Void, Never>?

    /// - Parameter report: called after each rebuild with a summary line and the diagnostics.
    public init(options: Options, report: @escaping @Sendable (String, [Diagnostic]) -> Void) {
        self.options = options
        self.report = report
        var build = options.build
        build.releasesMemory = true  // many builds in one process
        site = LiveSite(options: build)
    }

    /// Builds the site, starts watching and listening; returns the address served once requests are answered.
    /// The first build may fail: the server starts anyway, and every page shows the errors until they are fixed.
    public func start() async throws -> String {
        let watched = [options.build.contentDirectory, options.build.templatesDirectory].map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: options.build.workingDirectory, isDirectory: true)).standardizedFileURL.path
        }
        for folder in watched where !FileManager.default.fileExists(atPath: folder) {
            throw Failure(description: "\(folder) does not exist; run sitegen serve in the site's folder or pass --content and --templates")
        }
        if let problem = Self.bindProblem(options.address, options.port) { throw Failure(description: problem) }
        // A client that goes away mid-response, or a terminal or log pipe that went away, is not the server's end.
        signal(SIGPIPE, SIG_IGN)
        // Watching starts before the first build, so that no save made during it is missed.
        let watcher = try FileWatcher(folders: watched)
        rebuild(after: .unknown)

        let handler = PreviewHandler(state: state)
        let limits = options.limits
        // Quiet: the terminal is for the site's rebuilds; a client's mistakes are its own.
        let quiet = Logger(label: "sitegen-preview") { _ in SwiftLogNoOpLogHandler() }
        let loopbackOnly = Self.isLoopbackAddress(options.address)
        let liveSockets = LiveReloadSockets()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            if loopbackOnly, !PreviewHandler.isLoopback(authority: request.head.authority) {
                return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "sitegen serve answers only requests addressed to this machine (localhost, 127.0.0.1, [::1]).\n")))
            }
            let reply = handler.answer(method: request.method, target: request.head.path ?? "/", ifNoneMatch: request.headers[.ifNoneMatch])
            return Response(status: reply.status, headers: reply.headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        // The parser's own bounds stay above the guard's, so that the guard's answer is the one given.
        let http1 = HTTP1Channel.Configuration(idleTimeout: TimeAmount(limits.idleTimeout),
                                               httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.head * 2, maxHeaderListSize: limits.head * 2))
        let server = HTTPServerBuilder { responder in
            GuardedChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(http1: http1)) { head, _, _ in
                let target = head.path ?? "/"
                let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                guard path == PreviewHandler.eventsPath, liveSockets.hasRoom(limit: limits.liveReloadSockets),
                      !loopbackOnly || PreviewHandler.isLoopback(authority: head.authority),
                      PreviewHandler.isSameOrigin(head.headerFields[.origin], host: head.authority) else { return .dontUpgrade }
                let query = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
                let connection = LiveReload.connection(handler: handler, since: PreviewHandler.generation(inQuery: query))
                return .upgrade([:]) { inbound, outbound, context in
                    liveSockets.opened()
                    defer { liveSockets.closed() }
                    try await connection(inbound, outbound, context)
                }
            }, limits: limits)
        }
        let running = StartBox()
        let app = Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(address: .hostname(options.address, port: Int(options.port)),
                                                    availableConnectionsDelegate: PreviewConnections(maximum: limits.connections)),
            onServerRunning: { channel in running.set(port: channel.localAddress?.port ?? 0) },
            logger: quiet)
        let serving = Task.detached { do { try await app.run() } catch { running.fail(error) } }
        stopping.withLock { self.serving = serving }
        var listening: Int?
        for _ in 0..<2000 where listening == nil {
            if let error = running.error { throw Failure(description: "cannot listen on \(options.address):\(options.port): \(error)") }
            listening = running.port
            if listening == nil { try await Task.sleep(nanoseconds: 5_000_000) }
        }
        guard let port = listening else {
            throw Failure(description: "the server did not start listening on \(options.address):\(options.port) within 10 s")
        }

        let thread = Thread { [self] in
            while let changes = watcher.next(stop: { self.stopping.withLock { self.stopped } }) {
                switch changes {
                case .unknown: rebuild(after: .unknown)
                case .files(let paths): rebuild(after: .files(paths))
                }
            }
        }
        thread.name = "sitegen-watch"
        thread.start()
        let host = options.address.contains(":") ? "[\(options.address)]" : options.address
        return "http://\(host):\(port)/"
    }

    /// Ends the watcher's loop and closes the listening socket and the connections (`sitegen serve` ends the
    /// process instead; tests run several servers in one).
    public func stop() {
        let serving = stopping.withLock {
            stopped = true
            return self.serving
        }
        serving?.cancel()
    }

    /// Whether the last rebuild failed, and whether any ran: the terminal says "built", "rebuilt" or "builds again".
    private var failing = false
    private var builds = 0

    private func rebuild(after changes: LiveSite.Changes) {
        let started = DispatchTime.now()
        let update = site.rebuild(after: changes)
        let errors = update.diagnostics.filter { $0.severity == .error }
        state.publish(changed: update.succeeded ? update.changed : [], files: site.files,
                      errors: errors.isEmpty ? nil : DiagnosticPrinter.text(of: update.diagnostics))
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        let summary: String
        if update.succeeded {
            let pages = update.changed.count { $0.hasSuffix(".html") }
            let verb = builds == 0 ? "built" : failing ? "builds again; rebuilt" : "rebuilt"
            summary = String(format: "sitegen: \(verb) in %.0f ms: %d file%@ changed (%d page%@ rendered%@)", milliseconds,
                             update.changed.count, update.changed.count == 1 ? "" : "s", update.rendered, update.rendered == 1 ? "" : "s",
                             update.renderedAll ? ", all" : "") + (pages == 0 && update.changed.isEmpty ? "; nothing to reload" : "")
        } else {
            summary = "sitegen: the site does not build (\(errors.count) error\(errors.count == 1 ? "" : "s")); serving the last good version, with the errors in every page"
        }
        // A full render had the old and the new site in memory at once, made on several threads; glibc keeps
        // what they freed in its per-thread arenas. Handed back here, a server that runs all day stays at the
        // size of one site (BENCHMARKS.md: resident memory over 1,000 rebuilds).
        if update.renderedAll { _ = Self.trimMalloc?(0) }
        failing = !update.succeeded
        builds += 1
        let phases = options.timings ? " [" + update.phaseTimes.map { String(format: "%@ %.1f ms", $0.phase, $0.seconds * 1000) }.joined(separator: ", ") + "]" : ""
        report(summary + phases, update.diagnostics)
    }

    /// Whether the server listens on loopback only (then it answers only requests addressed to loopback).
    static func isLoopbackAddress(_ address: String) -> Bool {
        address == "localhost" || address == "::1" || address.hasPrefix("127.")
    }

    /// glibc's `malloc_trim`, which Swift's Glibc module does not declare (it is in malloc.h); nil elsewhere.
    fileprivate static let trimMalloc: (@convention(c) (Int) -> Int32)? = dlsym(nil, "malloc_trim").map {
        unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self)
    }

    /// Why `port` cannot be listened on at `address`, found before the server starts: a clear message
    /// instead of an error from deep in the socket layer.
    static func bindProblem(_ address: String, _ port: UInt16) -> String? {
        let family = address.contains(":") ? AF_INET6 : AF_INET
        let probe = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return nil }
        defer { close(probe) }
        var yes: Int32 = 1
        setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if family == AF_INET6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else { return "--bind \(address) is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)" }
            result = withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { return "--bind \(address) is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)" }
            result = withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard result != 0 else { return nil }
        switch errno {
        case EADDRINUSE: return "port \(port) is in use on \(address): stop what uses it, or pass --port with another port (--port 0 picks a free one)"
        case EACCES: return "port \(port) needs privileges on this system: pass --port with a port above 1023"
        case EADDRNOTAVAIL: return "--bind \(address) is not an address of this machine"
        default: return "cannot listen on \(address):\(port): \(String(cString: strerror(errno)))"
        }
    }
}

/// The port the server listens on once it runs, or why it could not start.
private final class StartBox: @unchecked Sendable {
    private let lock = NSLock()
    private var listening: Int?
    private var failure: (any Error)?
    func set(port: Int) { lock.withLock { listening = port } }
    func fail(_ error: any Error) { lock.withLock { failure = error } }
    var port: Int? { lock.withLock { listening } }
    var error: (any Error)? { lock.withLock { failure } }
}

/// Hummingbird's HTTP/1.1 with WebSocket upgrade, with `RequestHeadGuard` in front of its parser (and
/// `FirstHeadErrors` behind it, for a first head the parser refuses).
struct GuardedChannel: ServerChildChannel {
    let base: HTTP1WebSocketUpgradeChannel
    let limits: PreviewServer.Limits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        let headGuard = RequestHeadGuard(limits: limits)
        do {
            try channel.pipeline.syncOperations.addHandler(headGuard)
            // The base's setup configures the pipeline at once (its future is already complete).
            let value = base.setup(channel: channel, logger: logger)
            try channel.pipeline.syncOperations.addHandler(FirstHeadErrors(headGuard))
            return value
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// The bound on open connections, and memory handed back after a burst of them.
///
/// Each connection's buffers are freed when it closes, but glibc keeps what the event loop and task threads
/// freed in their arenas: after hundreds of connections the server would stay at the size of its busiest
/// moment (BENCHMARKS.md). When most of a burst's connections have closed, the memory is handed back a
/// second later, off the event loop. Called on the listening socket's event loop only.
/// How many live-reload WebSockets are open: counted while their handler runs (a socket granted whose
/// handshake then fails is never counted, so none is lost); a burst of requests may pass the bound by a few.
final class LiveReloadSockets: @unchecked Sendable {
    private let lock = NSLock()
    private var open = 0

    func hasRoom(limit: Int) -> Bool { lock.withLock { open < limit } }
    func opened() { lock.withLock { open += 1 } }
    func closed() { lock.withLock { open -= 1 } }
}

struct PreviewConnections: AvailableConnectionsDelegate {
    let maximum: Int
    private var open = 0
    /// The most connections open at once since memory was last handed back.
    private var peak = 0

    init(maximum: Int) { self.maximum = maximum }

    mutating func connectionOpened() {
        open += 1
        peak = max(peak, open)
    }

    mutating func connectionClosed() {
        open -= 1
        if peak >= 32, open <= peak / 4 {
            peak = open
            Self.trimSoon()
        }
    }

    func isAcceptingNewConnections() -> Bool { open < maximum }

    private static let pending = NSLock()
    nonisolated(unsafe) private static var scheduled = false

    private static func trimSoon() {
        let first = pending.withLock {
            defer { scheduled = true }
            return !scheduled
        }
        guard first else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) {
            pending.withLock { scheduled = false }
            _ = PreviewServer.trimMalloc?(0)
        }
    }
}
