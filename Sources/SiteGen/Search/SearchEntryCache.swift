import Foundation

/// The search entries of the last index this process made, by document: a document that is the same object
/// as then (a preview server keeps every document an edit did not replace) with the same place in the site
/// is not read again, so a rebuild after an edit reads only the edited pages' text.
final class SearchEntryCache: @unchecked Sendable {
    static let shared = SearchEntryCache()

    init() {}

    private let lock = NSLock()
    private var last: [ObjectIdentifier: (document: Document, entry: SearchEntry)] = [:]
    /// How many entries the last call read from their document's text: what a test of reuse looks at.
    private(set) var readLast = 0

    /// - Parameter place: where a document's result leads, what it is and its date, which the site decides.
    func entries(for documents: [Document], jobs: Int,
                 place: @Sendable (Document) -> (url: String, kind: String, date: String)) -> [SearchEntry] {
        let known = lock.withLock { last }
        let made = Parallel.map(documents, jobs: jobs) { document -> (entry: SearchEntry, read: Bool) in
            let (url, kind, date) = place(document)
            if let cached = known[ObjectIdentifier(document)], cached.document === document,
               cached.entry.url == url, cached.entry.kind == kind, cached.entry.date == date {
                return (cached.entry, false)
            }
            return (SearchEntry(url: url, kind: kind, title: document.title, html: document.body.html,
                                headings: document.body.headings.map(\.text), date: date), true)
        }
        let entries = made.map(\.entry)
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
