import Foundation

/// What a preview server keeps of the search index between rebuilds: the entries by document, and the
/// index last made (`SearchIndexState`). A document that is the same object as then (a preview server
/// keeps every document an edit did not replace) with the same place in the site is not read again, and
/// the index is updated for the entries that changed only. A build keeps nothing: its entries and index
/// are freed once the index's files are made.
final class SearchEntryCache: @unchecked Sendable {
    /// The cache of the rebuild running on this thread (`keeping(_:)`), if any.
    @TaskLocal static var current: SearchEntryCache?

    /// The cache the index is made with: the running rebuild's, or one that lives for this index only.
    static var shared: SearchEntryCache { current ?? SearchEntryCache(keeps: false) }

    /// Whether the entries of a call are kept for the next one.
    private let keeps: Bool

    init(keeps: Bool = true) {
        self.keeps = keeps
    }

    /// Runs `body` (a rebuild of the site) with this cache as `current`.
    func keeping<Result>(_ body: () throws -> Result) rethrows -> Result {
        try Self.$current.withValue(self, operation: body)
    }

    private let lock = NSLock()
    /// Terms are numbered in one vocabulary for the cache's life, so that kept entries and new ones agree.
    let vocabulary = SearchVocabulary()
    private var last: [ObjectIdentifier: (document: Document, entry: SearchEntry)] = [:]
    private var lastIndex: SearchIndexState?
    /// How many entries the last call read from their document's text: what a test of reuse looks at.
    private(set) var readLast = 0

    /// The index made last with this cache.
    var index: SearchIndexState? {
        get { lock.withLock { lastIndex } }
        set { lock.withLock { lastIndex = newValue } }
    }

    /// Documents are read in batches, each batch with one tokenizer of a few kept for the call: at most one
    /// a thread at a time, so that each word becomes a String about once a thread.
    static let batchSize = 32

    /// - Parameter place: where a document's result leads, what it is and its date, which the site decides.
    func entries(for documents: [Document], jobs: Int,
                 place: @Sendable (Document) -> (url: String, kind: String, date: String)) -> [SearchEntry] {
        let known = lock.withLock { last }
        let tokenizers = TokenizerPool(vocabulary: vocabulary)
        let starts = Array(stride(from: 0, to: documents.count, by: Self.batchSize))
        let batches = Parallel.map(starts, jobs: jobs) { start -> [(entry: SearchEntry, read: Bool)] in
            var tokenizer = tokenizers.take()
            defer { tokenizers.give(tokenizer) }
            return documents[start..<min(documents.count, start + Self.batchSize)].map { document in
                let (url, kind, date) = place(document)
                if let cached = known[ObjectIdentifier(document)], cached.document === document,
                   cached.entry.url == url, cached.entry.kind == kind, cached.entry.date == date {
                    return (cached.entry, false)
                }
                return (SearchEntry(url: url, kind: kind, title: document.title, html: document.body.html,
                                    headings: document.body.headings.map(\.text), date: date, tokenizer: &tokenizer), true)
            }
        }
        let made = batches.flatMap { $0 }
        let entries = made.map(\.entry)
        guard keeps else {
            lock.withLock { readLast = made.count { $0.read } }
            return entries
        }
        var next: [ObjectIdentifier: (document: Document, entry: SearchEntry)] = [:]
        next.reserveCapacity(documents.count)
        for (document, entry) in zip(documents, entries) { next[ObjectIdentifier(document)] = (document, entry) }
        lock.withLock {
            last = next
            readLast = made.count { $0.read }
        }
        return entries
    }
}

/// Tokenizers lent to batches of one call, kept between batches so that their words stay known.
private final class TokenizerPool: @unchecked Sendable {
    private let lock = NSLock()
    private let vocabulary: SearchVocabulary
    private var idle: [SearchTokenizer] = []

    init(vocabulary: SearchVocabulary) { self.vocabulary = vocabulary }

    func take() -> SearchTokenizer {
        lock.withLock { idle.popLast() } ?? SearchTokenizer(vocabulary: vocabulary)
    }

    func give(_ tokenizer: SearchTokenizer) {
        lock.withLock { idle.append(tokenizer) }
    }
}
