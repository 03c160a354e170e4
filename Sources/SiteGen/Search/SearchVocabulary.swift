import Foundation

/// Every term an index has seen, each with its number: entries hold numbers, so that a term is a String
/// once per vocabulary, not once per page that has it. Tokenizers on several threads share one vocabulary;
/// a number says nothing of a term's place in the index (which is by the term's text), so the order in
/// which threads number new terms changes no output.
final class SearchVocabulary: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [String: UInt32] = [:]
    private var terms: [String] = []

    /// A term's number packed with a weight (`SearchEntry.pack`) leaves this many bits for the number.
    static let numberLimit = 1 << 26

    init() {}

    func number(for term: String) -> UInt32 {
        lock.withLock {
            if let known = numbers[term] { return known }
            precondition(terms.count < Self.numberLimit, "more distinct search terms than an index can number")
            let number = UInt32(terms.count)
            numbers[term] = number
            terms.append(term)
            return number
        }
    }

    func term(_ number: UInt32) -> String {
        lock.withLock { terms[Int(number)] }
    }

    /// Every term by number, as they are now.
    var allTerms: [String] {
        lock.withLock { terms }
    }

    var count: Int {
        lock.withLock { terms.count }
    }

    /// The terms numbered `start` and after: a copy, so that neither side's next append copies the other's.
    func terms(from start: Int) -> [String] {
        lock.withLock { start < terms.count ? Array(terms[start...]) : [] }
    }
}
