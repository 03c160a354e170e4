/// A file of the finished site: its path inside the output folder and its bytes.
public struct RenderedFile: Sendable {
    public var path: String
    public var bytes: [UInt8]
    /// The content file it was made from, as diagnostics name it.
    public var origin: String?

    public init(path: String, bytes: [UInt8], origin: String? = nil) {
        self.path = path
        self.bytes = bytes
        self.origin = origin
    }
}

/// Where a build's files go: the disk writer (`OutputWriter`), or a preview server's memory. A sink
/// renders and checks nothing. The render phase hands it each file as it is finished, on the render
/// threads; once every check has passed the build asks it to commit what it staged, otherwise to
/// discard it, and the sink's published state must then be as it was.
public protocol SiteSink: Sendable {
    associatedtype Staged: Sendable

    /// Takes one finished file; what it returns waits for `commit` or `discard`.
    func stage(_ file: RenderedFile) throws -> Staged

    /// Publishes the whole site, every file staged: after it, the sink holds exactly these files.
    func commit(_ staged: [Staged]) throws -> WriteSummary

    /// Forgets what was staged, after a failed check: nothing the sink publishes changes.
    func discard(_ staged: [Staged])

    /// The file at `path` as the last commit published it, for a file the build knows would come out with
    /// the same bytes (nothing it is made from changed: `PublishedPages`), so that it is neither rendered nor
    /// compared. nil when the sink holds no such file: the file is then rendered and staged like any other.
    func keep(_ path: String) -> Staged?
}

extension SiteSink {
    /// A sink that does not keep what it committed (a preview server's memory is made anew) has nothing to keep.
    public func keep(_ path: String) -> Staged? { nil }
}

/// What a commit changed.
public struct WriteSummary: Sendable, Equatable {
    /// Files whose bytes were new or different, and were written.
    public var written: Int
    /// Files already published with the same bytes, left untouched.
    public var unchanged: Int
    /// Files the site no longer has, removed.
    public var removed: Int
    /// The paths of the files written (a folder's own marker among them), when the sink says which: the
    /// others it left as they were. nil when it does not, or every file is new (a folder made anew).
    public var writtenPaths: [String]?

    public init(written: Int = 0, unchanged: Int = 0, removed: Int = 0, writtenPaths: [String]? = nil) {
        self.written = written
        self.unchanged = unchanged
        self.removed = removed
        self.writtenPaths = writtenPaths
    }
}

/// A sink that keeps nothing: `sitegen check` renders and audits every page, and writes nothing.
public struct DiscardingSink: SiteSink {
    public init() {}
    public func stage(_ file: RenderedFile) throws {}
    public func commit(_ staged: [Void]) throws -> WriteSummary { WriteSummary() }
    public func discard(_ staged: [Void]) {}
}
