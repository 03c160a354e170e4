/// At most `perHost` requests at a time to one host, and `total` in all, so that a site is not hammered by a
/// check of the hundreds of links that point at it. Waiters are let in first come, first served per host.
actor HostLimiter {
    let perHost: Int
    let total: Int
    private var running: [String: Int] = [:]
    private var runningTotal = 0
    /// Who waits, by host; `hostsWaiting` keeps the hosts in the order they first waited.
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var hostsWaiting: [String] = []

    init(perHost: Int, total: Int) {
        self.perHost = max(1, perHost)
        self.total = max(1, total)
    }

    /// Runs `body` once its host has a free place.
    func run<T: Sendable>(host: String, _ body: @Sendable () async -> T) async -> T {
        await acquire(host)
        let result = await body()
        release(host)
        return result
    }

    private func canStart(_ host: String) -> Bool {
        runningTotal < total && running[host, default: 0] < perHost
    }

    private func acquire(_ host: String) async {
        if waiting[host] == nil, canStart(host) {
            start(host)
            return
        }
        await withCheckedContinuation { continuation in
            if waiting[host] == nil { hostsWaiting.append(host) }
            waiting[host, default: []].append(continuation)
        }
    }

    private func start(_ host: String) {
        running[host, default: 0] += 1
        runningTotal += 1
    }

    private func release(_ host: String) {
        running[host]! -= 1
        runningTotal -= 1
        // Let in whoever can start now: the place freed may be the host's or only the total's.
        var index = 0
        while index < hostsWaiting.count, runningTotal < total {
            let next = hostsWaiting[index]
            guard canStart(next) else {
                index += 1
                continue
            }
            start(next)
            let continuation = waiting[next]!.removeFirst()
            if waiting[next]!.isEmpty {
                waiting[next] = nil
                hostsWaiting.remove(at: index)
            }
            continuation.resume()
        }
    }
}
