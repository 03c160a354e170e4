import Foundation

/// What a preview server keeps of the search index between rebuilds: the entries by document, and the
/// index last made (`SearchIndexState`). A document that is the same object as then (a preview server
/// keeps every document an edit did not replace) with the same place in the site is not read again, and
/// the index is updated for the entries that changed only. A build keeps nothing in memory: its index is
/// freed once its files are made, and its entries go to the store on disk (`SearchEntryStore`) that the
/// next build takes unchanged documents' entries from.
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
    /// The documents of the last call and their entries, in the same order.
    private var lastDocuments: [Document] = []
    private var lastEntries: [SearchEntry] = []
    private var lastIndex: SearchIndexState?
    /// How many entries the last call read from their document's text: what a test of reuse looks at.
    private(set) var readLast = 0

    /// The index made last with this cache.
    var index: SearchIndexState? {
        get { lock.withLock { lastIndex } }
        set { lock.withLock { lastIndex = newValue } }
    }

    /// The index made last, no longer kept here.
    func takeIndex() -> SearchIndexState? {
        lock.withLock {
            defer { lastIndex = nil }
            return lastIndex
        }
    }

    /// Documents are read in batches, each batch with one tokenizer of a few kept for the call: at most one
    /// a thread at a time, so that each word becomes a String about once a thread.
    static let batchSize = 32

    /// - Parameter place: where a document's result leads, what it is and its date, which the site decides.
    func entries(for documents: [Document], jobs: Int,
                 place: @Sendable (Document) -> (url: String, kind: String, date: String)) -> [SearchEntry] {
        let (known, knownEntries) = lock.withLock { (lastDocuments, lastEntries) }
        // A document is looked for at its place in the last list, where nearly all are from one rebuild to
        // the next; one that moved left its old place to another, so only those places are looked up by identity.
        var moved: [ObjectIdentifier: Int] = [:]
        for (index, document) in known.enumerated() where index >= documents.count || documents[index] !== document {
            moved[ObjectIdentifier(document)] = index
        }
        // A build's store on disk (`SearchEntryStore`): what the last build made, found by what each entry is
        // made of, and what this one makes, kept for the next.
        let store = SearchEntryStore.current
        let stored = store?.stored(in: vocabulary)
        let tokenizers = TokenizerPool(vocabulary: vocabulary)
        let starts = Array(stride(from: 0, to: documents.count, by: Self.batchSize))
        let batches = Parallel.map(starts, jobs: jobs) { [moved] start -> (entries: [SearchEntry], keys: [SearchEntryStore.Key], read: Int) in
            let tokenizer = tokenizers.take()
            defer { tokenizers.give(tokenizer) }
            var read = 0
            var keys: [SearchEntryStore.Key] = []
            let end = min(documents.count, start + Self.batchSize)
            let entries = (start..<end).map { index in
                let document = documents[index]
                let (url, kind, date) = place(document)
                let headings = document.headings.map(\.text)
                // Every entry's key, whichever way it is found: the store written next holds them all.
                let key = store?.key(of: document, headings: headings, url: url, kind: kind, date: date)
                if let key { keys.append(key) }
                let before = index < known.count && known[index] === document ? index : moved[ObjectIdentifier(document)]
                if let before, known[before] === document {
                    let cached = knownEntries[before]
                    if cached.url == url, cached.kind == kind, cached.date == date { return cached }
                }
                if let key, let entry = stored?.entry(for: key, url: url, kind: kind, title: document.title, date: date) { return entry }
                read += 1
                return SearchEntry(url: url, kind: kind, title: document.title, html: document.html,
                                   headings: headings, date: date, tokenizer: tokenizer)
            }
            return (entries, keys, read)
        }
        let entries = batches.count == 1 ? batches[0].entries : batches.flatMap(\.entries)
        let read = batches.reduce(0) { $0 + $1.read }
        store?.keep(entries, keys: batches.flatMap(\.keys), tokenized: read)
        lock.withLock {
            if keeps {
                lastDocuments = documents
                lastEntries = entries
            }
            readLast = read
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
