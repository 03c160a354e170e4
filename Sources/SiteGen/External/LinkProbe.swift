import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request, without following redirects: what the link check asks of the network.
public protocol LinkProbe: Sendable {
    func request(_ url: URL, method: String, timeout: Double) async -> ProbeAnswer
    /// Closes the connections; called once, after the last request.
    func shutdown() async
}

/// A server's answer to one request, or why there was none.
public enum ProbeAnswer: Sendable, Hashable {
    case status(Int, location: String?)
    /// `dropped`: the connection closed without a usable answer, which a server that refuses HEAD may do.
    case failure(LinkFailure, dropped: Bool)
}

/// Requests made with AsyncHTTPClient on SwiftNIO, which the preview server's Hummingbird already brings:
/// HTTP/1.1 and HTTP/2, TLS (BoringSSL, compiled in) with the system's certificates. Foundation's URLSession
/// would do too, but on Linux it is libcurl: linking it made every `sitegen` command, `build` included, load
/// libcurl and 30 more shared libraries at start (+7 MB of memory, BENCHMARKS.md). Redirects are refused here so
/// that the check follows them itself, one hop at a time, each within the limits of its host.
public final class HTTPClientProbe: LinkProbe {
    private let client: HTTPClient
    private let userAgent: String

    public init(connectionsPerHost: Int, timeout: Double, userAgent: String = "sitegen-link-check/1") {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: Self.amount(timeout), read: Self.amount(timeout)))
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost))
        // A refused connection is an answer (nothing listens there), not something to try again until the time-out.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        self.userAgent = userAgent
    }

    public func shutdown() async { try? await client.shutdown() }

    static func amount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(max(seconds, 0.001) * 1e9)) }

    public func request(_ url: URL, method: String, timeout: Double) async -> ProbeAnswer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "*/*")
        do {
            // The body is not read: dropping the response closes its connection rather than download a large file.
            let response = try await client.execute(request, timeout: Self.amount(timeout))
            return .status(Int(response.status.code), location: response.headers.first(name: "Location"))
        } catch {
            return Self.answer(for: error)
        }
    }

    /// AsyncHTTPClient's and SwiftNIO's errors, as the check words them.
    static func answer(for error: any Error) -> ProbeAnswer {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .deadlineExceeded, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout, .writeTimeout:
                return .failure(.timedOut, dropped: false)
            case .remoteConnectionClosed:
                return .failure(.network("the connection closed without an answer"), dropped: true)
            default:
                return .failure(.network(String(describing: error)), dropped: false)
            }
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil { return .failure(.unknownHost, dropped: false) }
            if error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return .failure(.refused, dropped: false)
            }
            return .failure(.network(String(describing: error)), dropped: false)
        }
        if error is SocketAddressError { return .failure(.unknownHost, dropped: false) }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .failure(.refused, dropped: false) }
        if let error = error as? ChannelError, case .connectTimeout = error { return .failure(.timedOut, dropped: false) }
        if error is HTTPParserError { return .failure(.network("the answer is not HTTP"), dropped: true) }
        return .failure(.network(String(describing: error)), dropped: false)
    }
}
