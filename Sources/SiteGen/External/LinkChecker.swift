import Foundation

/// Checks URLs over the network: HEAD, then GET where HEAD is refused; redirects followed one hop at a time,
/// each hop within its host's limit.
public struct LinkChecker: Sendable {
    public struct Limits: Sendable {
        /// Seconds to wait for each request's answer.
        public var timeout: Double = 10
        /// Requests at a time to one host, and in all.
        public var perHost = 2
        public var total = 16
        /// Redirects followed before the URL counts as dead.
        public var redirects = 10

        public init(timeout: Double = 10, perHost: Int = 2, total: Int = 16, redirects: Int = 10) {
            self.timeout = timeout
            self.perHost = perHost
            self.total = total
            self.redirects = redirects
        }
    }

    public let limits: Limits
    /// nil: each `check` makes an `HTTPClientProbe` of its own and shuts it down at the end.
    let probe: (any LinkProbe)?

    public init(limits: Limits, probe: (any LinkProbe)? = nil) {
        self.limits = limits
        self.probe = probe
    }

    /// Each URL's result, checked concurrently within the limits.
    public func check(_ urls: [String]) async -> [String: LinkCheckResult] {
        // The limiter holds requests to its limits; the client's pool, never reached, does not mask it.
        let probe = self.probe ?? HTTPClientProbe(connectionsPerHost: max(limits.perHost, limits.total), timeout: limits.timeout)
        let limiter = HostLimiter(perHost: limits.perHost, total: limits.total)
        let results = await withTaskGroup(of: (String, LinkCheckResult).self) { group in
            for url in urls {
                group.addTask { (url, await follow(url, probe: probe, limiter: limiter)) }
            }
            var results: [String: LinkCheckResult] = [:]
            for await (url, result) in group { results[url] = result }
            return results
        }
        if self.probe == nil { await probe.shutdown() }
        return results
    }

    /// One URL, its redirects followed.
    func follow(_ url: String, probe: any LinkProbe, limiter: HostLimiter) async -> LinkCheckResult {
        var redirects: [LinkCheckResult.Redirect] = []
        var current = Self.withoutFragment(url)
        var visited: Set<String> = [current]
        while true {
            guard let url = URL(string: current), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = url.host, !host.isEmpty else {
                return LinkCheckResult(redirects: redirects, verdict: .dead(.invalid("not a URL that can be requested: \(current)")))
            }
            let answer = await limiter.run(host: host.lowercased()) { await headThenGet(url, probe: probe) }
            switch answer {
            case .failure(let failure, _):
                return LinkCheckResult(redirects: redirects, verdict: .dead(failure))
            case .status(let status, _) where status >= 400:
                return LinkCheckResult(redirects: redirects, verdict: .dead(.status(status)))
            case .status(let status, let location?) where (300..<400).contains(status) && status != 304:
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL.absoluteString else {
                    return LinkCheckResult(redirects: redirects, verdict: .dead(.invalid("a redirect to \(location), which is not a URL")))
                }
                let target = Self.withoutFragment(next)
                redirects.append(.init(from: current, status: status, to: target))
                guard visited.insert(target).inserted else { return LinkCheckResult(redirects: redirects, verdict: .dead(.redirectLoop)) }
                guard redirects.count <= limits.redirects else { return LinkCheckResult(redirects: redirects, verdict: .dead(.tooManyRedirects)) }
                current = target
            case .status(let status, _):
                return LinkCheckResult(redirects: redirects, verdict: .alive(status: status))
            }
        }
    }

    /// HEAD, and GET when the server refuses HEAD: 405 or 501, or a connection closed without an answer.
    private func headThenGet(_ url: URL, probe: any LinkProbe) async -> ProbeAnswer {
        let head = await probe.request(url, method: "HEAD", timeout: limits.timeout)
        switch head {
        case .status(405, _), .status(501, _), .failure(_, dropped: true):
            return await probe.request(url, method: "GET", timeout: limits.timeout)
        default:
            return head
        }
    }

    /// A fragment is not sent to the server: `page#a` and `page#b` are one request.
    static func withoutFragment(_ url: String) -> String {
        guard let hash = url.firstIndex(of: "#") else { return url }
        return String(url[..<hash])
    }
}
