/// What checking one external URL found: the redirects it went through and how it ended.
public struct LinkCheckResult: Sendable, Hashable, Codable {
    /// One redirect followed: `from` answered `status` with a Location leading to `to`.
    public struct Redirect: Sendable, Hashable, Codable {
        public var from: String
        public var status: Int
        public var to: String
    }

    public enum Verdict: Sendable, Hashable, Codable {
        /// The last URL answered this status (2xx, or a 3xx without a Location).
        case alive(status: Int)
        case dead(LinkFailure)
    }

    public var redirects: [Redirect]
    public var verdict: Verdict

    public init(redirects: [Redirect] = [], verdict: Verdict) {
        self.redirects = redirects
        self.verdict = verdict
    }

    public var isDead: Bool { if case .dead = verdict { true } else { false } }

    /// Whether the server answered (a status, or redirects that loop or go on): what the cache keeps. A host that
    /// does not resolve, a refused connection, a time-out are asked again next time: a check run offline, or
    /// while a server was down a moment, would otherwise report them dead for a day.
    public var isAnswer: Bool {
        switch verdict {
        case .alive, .dead(.status), .dead(.tooManyRedirects), .dead(.redirectLoop), .dead(.invalid): true
        case .dead(.timedOut), .dead(.refused), .dead(.unknownHost), .dead(.network): false
        }
    }

    /// The chain as a reader follows it: `https://a (301) → https://b (200)`.
    public var chain: String {
        var parts = redirects.map { "\($0.from) (\($0.status))" }
        let last = redirects.last?.to ?? ""
        switch verdict {
        case .alive(let status): parts.append("\(last) (\(status))")
        case .dead(let failure): parts.append("\(last) (\(failure))")
        }
        return parts.joined(separator: " → ")
    }
}

/// Why a URL is dead.
public enum LinkFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An HTTP status of 400 or more.
    case status(Int)
    /// No answer within the time-out.
    case timedOut
    /// Nothing listens at the address (connection refused).
    case refused
    /// The host name does not resolve.
    case unknownHost
    /// More redirects than the check follows, or a redirect back to a URL already visited.
    case tooManyRedirects
    case redirectLoop
    /// The URL (or a redirect's Location) cannot be requested.
    case invalid(String)
    /// Any other failure of the connection or of TLS, as the network library words it.
    case network(String)

    public var description: String {
        switch self {
        case .status(let status): "\(status) \(Self.reason(status))"
        case .timedOut: "no answer within the time-out"
        case .refused: "connection refused"
        case .unknownHost: "the host name does not resolve"
        case .tooManyRedirects: "too many redirects"
        case .redirectLoop: "a redirect loop"
        case .invalid(let why): why
        case .network(let why): why
        }
    }

    /// The reason phrases of the statuses a dead link most often has.
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 451: "Unavailable For Legal Reasons"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: status < 500 ? "client error" : "server error"
        }
    }
}
