import Foundation

/// One thread's reader of words: each distinct folded word is looked up on its bytes (open addressing,
/// FNV-1a), and made a String, checked against the stop words and stemmed only the first time this
/// tokenizer sees it. A document's terms are summed in arrays by the tokenizer's own numbering, with no
/// hashing of Strings per page.
struct SearchTokenizer {
    let vocabulary: SearchVocabulary

    /// The distinct words seen, their bytes in `text`; `local` is the word's term in this tokenizer, -1
    /// for a word that is no term (a stop word, a single letter).
    private var text: [UInt8] = []
    private var words: [(start: Int32, count: Int32, hash: UInt32, local: Int32)] = []
    private var slots = [Int32](repeating: -1, count: 1024)
    /// By the tokenizer's own term numbers: the vocabulary's number, and the sum of the document being read.
    private var localNumbers: [String: Int32] = [:]
    private var termNumbers: [UInt32] = []
    private var weights: [Int32] = []
    private var stamps: [Int32] = []
    private var stamp: Int32 = 0
    /// The document's terms by first occurrence.
    private var seen: [Int32] = []

    init(vocabulary: SearchVocabulary) {
        self.vocabulary = vocabulary
    }

    /// Every word of a text, folded, counted with `weight` for the document being read.
    mutating func add(_ text: String, weight: Int) {
        var text = text
        text.withUTF8 { add(utf8: $0, weight: weight) }
    }

    mutating func add(utf8 bytes: UnsafeBufferPointer<UInt8>, weight: Int) {
        SearchText.forEachHashedWord(inUTF8: bytes) { add(word: $0, hash: $1, weight: Int32(weight)) }
    }

    private mutating func add(word: UnsafeBufferPointer<UInt8>, hash: UInt32, weight: Int32) {
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        var local: Int32 = -1
        while true {
            let index = Int(slots[slot])
            if index < 0 {
                local = newWord(word, hash: hash, slot: slot)
                break
            }
            let known = words[index]
            if known.hash == hash, Int(known.count) == word.count, text.withUnsafeBufferPointer({ text in
                // Words are short: a loop costs less than a call of memcmp.
                let start = Int(known.start)
                for k in 0..<word.count where text[start + k] != word[k] { return false }
                return true
            }) {
                local = known.local
                break
            }
            slot = (slot + 1) & mask
        }
        guard local >= 0 else { return }
        let term = Int(local)
        if stamps[term] != stamp {
            stamps[term] = stamp
            weights[term] = weight
            seen.append(local)
        } else {
            weights[term] += weight
        }
    }

    private mutating func newWord(_ word: UnsafeBufferPointer<UInt8>, hash: UInt32, slot: Int) -> Int32 {
        var local: Int32 = -1
        if let term = SearchText.term(String(decoding: word, as: UTF8.self)) {
            if let known = localNumbers[term] {
                local = known
            } else {
                local = Int32(termNumbers.count)
                localNumbers[term] = local
                termNumbers.append(vocabulary.number(for: term))
                weights.append(0)
                stamps.append(-1)
            }
        }
        slots[slot] = Int32(words.count)
        words.append((Int32(text.count), Int32(word.count), hash, local))
        text.append(contentsOf: word)
        if words.count * 2 > slots.count { grow() }
        return local
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, word) in words.enumerated() {
            var slot = Int(word.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// The terms of the document read since the last call, packed (`SearchEntry.pack`), by first
    /// occurrence; the next call starts a new document.
    mutating func finishDocument() -> [UInt32] {
        let packed = seen.map { SearchEntry.pack(number: termNumbers[Int($0)], weight: Int(weights[Int($0)])) }
        seen.removeAll(keepingCapacity: true)
        if stamp == .max {
            stamp = 0
            for index in stamps.indices { stamps[index] = -1 }
        } else {
            stamp += 1
        }
        return packed
    }
}
