import FlyingFox
import FlyingSocks
import Foundation
import SiteGen
#if canImport(Glibc)
import Glibc
#endif

/// `sitegen serve`: the site built in memory, rebuilt after each save, served over HTTP.
///
/// Three parts with one job each: a `LiveSite` that rebuilds only what an edit changed, a `FileWatcher`
/// thread that turns a burst of file events into one rebuild, and FlyingFox answering requests from the
/// published `PreviewState`. Rebuilds run one after another on the watcher's thread; requests never wait
/// for one.
public final class PreviewServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var build: BuildOptions
        public var address: String
        public var port: UInt16
        /// Each rebuild's phases in its summary line.
        public var timings: Bool

        public init(build: BuildOptions, address: String = "127.0.0.1", port: UInt16 = 1313, timings: Bool = false) {
            self.build = build
            self.address = address
            self.port = port
            self.timings = timings
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
        // Watching starts before the first build, so that no save made during it is missed.
        let watcher = try FileWatcher(folders: watched)
        rebuild(after: .unknown)

        let address: any SocketAddress
        do {
            address = options.address.contains(":") ? try sockaddr_in6.inet6(ip6: options.address, port: options.port)
                : try sockaddr_in.inet(ip4: options.address, port: options.port)
        } catch {
            throw Failure(description: "--bind \(options.address) is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)")
        }
        signal(SIGPIPE, SIG_IGN)  // a client that goes away mid-response is not the server's end
        let server = HTTPServer(address: address, timeout: 60, pool: NoDelaySocketPool(base: HTTPServer.defaultPool()),
                                logger: .disabled, handler: PreviewHandler(state: state))
        let failed = FailureBox()
        Task.detached { do { try await server.run() } catch { failed.set(error) } }
        for _ in 0..<1000 {
            if await server.isListening { break }
            if let error = failed.get() { throw Failure(description: "cannot listen on \(options.address):\(options.port): \(error)") }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        var port = options.port
        if case .ip4(_, let listening)? = await server.listeningAddress { port = listening }
        if case .ip6(_, let listening)? = await server.listeningAddress { port = listening }

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

    /// Ends the watcher's loop (the process ends right after; the server needs no goodbye).
    public func stop() { stopping.withLock { stopped = true } }

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

    /// glibc's `malloc_trim`, which Swift's Glibc module does not declare (it is in malloc.h); nil elsewhere.
    private static let trimMalloc: (@convention(c) (Int) -> Int32)? = dlsym(nil, "malloc_trim").map {
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

private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ error: any Error) { lock.withLock { self.error = error } }
    func get() -> (any Error)? { lock.withLock { error } }
}

/// FlyingFox's socket pool, with Nagle's algorithm turned off on every socket it waits on.
///
/// FlyingFox writes a response's header and its body in separate writes. With Nagle's algorithm on, the
/// body of the second response on a kept-alive connection waits for the client's delayed ACK, the length of
/// a delayed-ACK timer per request (BENCHMARKS.md has the figures). FlyingFox 0.27 has no setting for it; the listening socket is the first to wait here, and Linux gives the sockets it
/// accepts its TCP_NODELAY (connections accepted before that, or whose reads wait, get it here too).
struct NoDelaySocketPool<Base: AsyncSocketPool>: AsyncSocketPool {
    let base: Base

    func prepare() async throws { try await base.prepare() }
    func run() async throws { try await base.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        var on: Int32 = 1
        setsockopt(socket.file.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        try await base.suspendSocket(socket, untilReadyFor: events)
    }
}
