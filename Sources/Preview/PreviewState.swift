import Foundation
import SiteGen

/// A file as the preview server sends it.
public struct ServedFile: Sendable {
    /// The site's own array, shared with `LiveSite.files` (not a copy: the site is in memory once).
    public let bytes: [UInt8]
    /// A hash of the bytes: the file's validator for `If-None-Match`.
    public let hash: String

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // FNV-1a, 64 bits: a validator, not a defence; a collision would only serve a cached copy.
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = String(value, radix: 16)
    }
}

/// What the server serves: the last good site, the errors of the last rebuild if it failed, and which files
/// each rebuild changed, for the pages' live reload. Published whole, under a lock, once a rebuild is done:
/// a request sees the site before a rebuild or after it, never a mix.
public final class PreviewState: @unchecked Sendable {
    public struct Snapshot: Sendable {
        public var files: [String: ServedFile] = [:]
        /// Counts rebuilds, failed ones too: a page knows which it was served from.
        public var generation = 0
        /// The last rebuild's errors, as the overlay shows them; nil when it succeeded.
        public var errors: String?
    }

    /// What one rebuild changed.
    struct Step {
        var generation: Int
        /// nil when most of the site changed (a template edit): every page reloads, and the server does
        /// not keep ten thousand paths for each such rebuild.
        var changed: [String]?
        /// The overlay appeared, went, or says something else: every page's HTML changed.
        var overlayChanged: Bool
    }

    private let lock = NSLock()
    private var snapshot = Snapshot()
    /// The last rebuilds' changes, for pages that ask what changed since the one they were served from.
    private var steps: [Step] = []
    private static let remembered = 50
    /// Above this many changed files a step just says "everything".
    private static let listedAtMost = 200
    /// The open live-reload connections, told the generation of each rebuild published.
    private var listeners: [Int: AsyncStream<Int>.Continuation] = [:]
    private var nextListener = 0

    public init() {}

    public var current: Snapshot { lock.withLock { snapshot } }

    /// Publishes a rebuild: its changed files (bytes from `files`) and its errors, if it failed.
    public func publish(changed: [String], files: [String: [UInt8]], errors: String?) {
        // The bytes are copied and hashed before the lock is taken.
        let served = changed.compactMap { path in files[path].map { (path, ServedFile($0)) } }
        let ready: [AsyncStream<Int>.Continuation]
        let published: Snapshot
        (ready, published) = lock.withLock {
            // In place: a copy of the whole site's table for each save would grow with the site.
            for path in changed { snapshot.files[path] = nil }
            for (path, file) in served { snapshot.files[path] = file }
            snapshot.generation += 1
            let overlayChanged = snapshot.errors != errors
            snapshot.errors = errors
            let next = snapshot
            steps.append(Step(generation: next.generation, changed: changed.count > Self.listedAtMost ? nil : changed,
                              overlayChanged: overlayChanged))
            if steps.count > Self.remembered { steps.removeFirst(steps.count - Self.remembered) }
            return (Array(listeners.values), next)
        }
        for listener in ready { listener.yield(published.generation) }
    }

    /// What changed after `generation`: the files, whether the overlay did, or nil when that is too long ago
    /// to know or too much to list (the page should reload).
    func changes(after generation: Int) -> (changed: Set<String>, overlayChanged: Bool, generation: Int)? {
        lock.withLock {
            let later = steps.filter { $0.generation > generation }
            if let first = later.first, first.generation != generation + 1 { return nil }
            if later.isEmpty, generation != snapshot.generation { return nil }
            var changed = Set<String>()
            for step in later {
                guard let files = step.changed else { return nil }
                changed.formUnion(files)
            }
            return (changed, later.contains { $0.overlayChanged }, snapshot.generation)
        }
    }

    /// The generation of each rebuild published from now on, until the stream's consumer ends it. Only the
    /// latest is kept while the consumer is busy: what changed is asked with `changes(after:)` anyway.
    func rebuilds() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let id = lock.withLock {
            nextListener += 1
            listeners[nextListener] = continuation
            return nextListener
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many live-reload connections listen for rebuilds (for tests: none is kept after its page went).
    var listening: Int { lock.withLock { listeners.count } }
}
