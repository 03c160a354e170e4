import Foundation

/// One thread's reader of words: it reads rendered HTML or plain text, folds each word as it goes
/// (`SearchText`'s rules), and looks it up on its bytes (open addressing): a distinct word is made a
/// String, checked against the stop words and stemmed only the first time this tokenizer sees it. A
/// document's terms are summed by the tokenizer's own numbering. Its tables are raw memory it owns: the
/// loop runs for every byte of every page, without the checks of Swift's arrays.
final class SearchTokenizer {
    let vocabulary: SearchVocabulary

    private struct Word {
        /// The first eight bytes (fewer, then zeros): most words are no longer, and are told apart by this alone.
        var prefix: UInt64
        var start: Int32, count: Int32, hash: UInt32
        /// The word's term in this tokenizer; -1 for a word that is no term (a stop word, a single letter).
        var local: Int32
    }

    // The tables are used from one thread at a time, in a loop over every byte: the runtime's checks of
    // exclusive access, made at each use of a class's variable, would cost more than the work.

    /// The distinct words seen, their bytes in `text`.
    @exclusivity(unchecked) private var text = Buffer<UInt8>(capacity: 1 << 14)
    @exclusivity(unchecked) private var words = Buffer<Word>(capacity: 1 << 10)
    @exclusivity(unchecked) private var slots = Buffer<Int32>(capacity: 1 << 11)
    /// By the tokenizer's own term numbers: the vocabulary's number, and the sum in the document being read.
    @exclusivity(unchecked) private var localNumbers: [String: Int32] = [:]
    @exclusivity(unchecked) private var termNumbers = Buffer<UInt32>(capacity: 1 << 10)
    @exclusivity(unchecked) private var weights = Buffer<Int32>(capacity: 1 << 10)
    @exclusivity(unchecked) private var stamps = Buffer<Int32>(capacity: 1 << 10)
    @exclusivity(unchecked) private var stamp: Int32 = 0
    /// The document's terms by first occurrence.
    @exclusivity(unchecked) private var seen = Buffer<Int32>(capacity: 1 << 10)

    /// The word being read: ASCII letters lowered, other letters as they are, folded when the word ends.
    @exclusivity(unchecked) private var word = Buffer<UInt8>(capacity: 1 << 12)
    @exclusivity(unchecked) private var weight: Int32 = 1

    init(vocabulary: SearchVocabulary) {
        self.vocabulary = vocabulary
        slots.count = slots.capacity
        slots.pointer.initialize(repeating: -1, count: slots.capacity)
    }

    deinit {
        text.raw.deallocate()
        words.raw.deallocate()
        slots.raw.deallocate()
        termNumbers.raw.deallocate()
        weights.raw.deallocate()
        stamps.raw.deallocate()
        seen.raw.deallocate()
        word.raw.deallocate()
    }

    /// Every word of a plain text, counted with `weight` for the document being read.
    func add(_ text: String, weight: Int) {
        var text = text
        text.withUTF8 { add(utf8: $0, weight: weight) }
    }

    func add(utf8 bytes: UnsafeBufferPointer<UInt8>, weight: Int) {
        guard let base = bytes.baseAddress else { return }
        begin(bytes.count, weight: weight)
        let (length, ascii) = scan(base, bytes.count, html: false, length: 0, ascii: true)
        end(length, ascii: ascii)
    }

    /// Every word of what rendered HTML shows (`SearchEntry.visibleText`): tags out, entities decoded,
    /// inline tags joining the words beside them and other tags separating them, a footnote's number skipped.
    func add(html bytes: UnsafeBufferPointer<UInt8>, weight: Int) {
        guard let base = bytes.baseAddress else { return }
        begin(bytes.count, weight: weight)
        let (length, ascii) = scan(base, bytes.count, html: true, length: 0, ascii: true)
        end(length, ascii: ascii)
    }

    private func begin(_ count: Int, weight: Int) {
        // No word is longer than the text that holds it; past its end, room to read eight bytes at once.
        word.reserve(count + 16)
        self.weight = Int32(weight)
    }

    /// What each byte is to the loop: a letter or digit of ASCII, lowered; or one of the kinds below.
    private static let other: UInt8 = 0, tagStart: UInt8 = 1, entityStart: UInt8 = 2, beyondASCII: UInt8 = 3
    // Written once, before any reader, and never again.
    nonisolated(unsafe) private static let byteKinds: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            let value = UInt8(byte)
            table[byte] = (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) ? value
                : value >= 0x41 && value <= 0x5A ? value + 0x20
                : value == UInt8(ascii: "<") ? tagStart : value == UInt8(ascii: "&") ? entityStart
                : value >= 0x80 ? beyondASCII : other
        }
        return UnsafePointer(table)
    }()

    /// Reads the words of `count` bytes into `word`, the word being read (its `length` so far, whether it
    /// is all ASCII) in local variables, and returns the last one unended. In HTML, tags and character
    /// references are read as `SearchEntry.visibleText` reads them; in text they are characters.
    @inline(__always)
    private func scan(_ base: UnsafePointer<UInt8>, _ count: Int, html: Bool, length start: Int, ascii startASCII: Bool) -> (Int, Bool) {
        let kinds = Self.byteKinds
        let out = word.pointer
        var length = start, ascii = startASCII
        var i = 0
        while i < count {
            let kind = kinds[Int(base[i])]
            if kind >= 0x30 {
                out[length] = kind
                length += 1
                i += 1
            } else if kind == Self.beyondASCII {
                let (next, isWord) = SearchText.scalar(base, at: i, count: count)
                if isWord {
                    for k in i..<next {
                        out[length] = base[k]
                        length += 1
                    }
                    ascii = false
                } else if length > 0 {
                    end(length, ascii: ascii)
                    length = 0
                    ascii = true
                }
                i = next
            } else if html && kind == Self.tagStart {
                let tag = SearchEntry.tag(base, at: i, count: count)
                if !tag.inline && length > 0 {
                    end(length, ascii: ascii)
                    length = 0
                    ascii = true
                }
                i = tag.next
            } else if html && kind == Self.entityStart, let entity = SearchEntry.entity(base, at: i, count: count) {
                (length, ascii) = read(entity.decoded, length: length, ascii: ascii)
                i = entity.next
            } else {
                if length > 0 {
                    end(length, ascii: ascii)
                    length = 0
                    ascii = true
                }
                i += 1
            }
        }
        return (length, ascii)
    }

    /// A character reference's text, read as text.
    @inline(never)
    private func read(_ decoded: [UInt8], length: Int, ascii: Bool) -> (Int, Bool) {
        decoded.withUnsafeBufferPointer { scan($0.baseAddress!, $0.count, html: false, length: length, ascii: ascii) }
    }

    /// The word read into `word`: looked up (all ASCII) or folded first.
    @inline(__always)
    private func end(_ length: Int, ascii: Bool) {
        guard length > 0 else { return }
        if ascii {
            // `word` has room past the word: its chunks are read whole, then cut to the word.
            let base = UnsafeRawPointer(word.pointer)
            add(word: UnsafeBufferPointer(start: word.pointer, count: length)) { base.loadUnaligned(fromByteOffset: $0, as: UInt64.self) & Self.mask($1) }
        } else {
            endFolded(length)
        }
    }

    @inline(never)
    private func endFolded(_ length: Int) {
        // Lowered ASCII letters fold as the letters they were: folding lowers case scalar by scalar.
        var folded = SearchText.fold(String(decoding: UnsafeBufferPointer(start: word.pointer, count: length), as: UTF8.self))
        folded.withUTF8 { folded in
            guard let base = folded.baseAddress else { return }
            add(word: folded) { offset, count in
                var chunk: UInt64 = 0
                for k in 0..<count { chunk |= UInt64(base[offset + k]) << (8 * k) }
                return chunk
            }
        }
    }

    /// The low `count` bytes of eight.
    @inline(__always)
    private static func mask(_ count: Int) -> UInt64 {
        count >= 8 ? .max : (1 << (8 * UInt64(count))) - 1
    }

    /// Counts a word for the document being read. `chunk(offset, count)` gives `count` (at most eight) of
    /// the word's bytes from `offset`, the first in the low byte; the hash mixes them eight at a time.
    @inline(__always)
    private func add(word: UnsafeBufferPointer<UInt8>, chunk: (Int, Int) -> UInt64) {
        let count = word.count
        let prefix = chunk(0, min(count, 8))
        var mixed = (UInt64(count) &* 0x9E37_79B9_7F4A_7C15 ^ prefix) &* 0xFF51_AFD7_ED55_8CCD
        mixed ^= mixed >> 32
        var offset = 8
        while offset < count {
            mixed = (mixed ^ chunk(offset, min(count - offset, 8))) &* 0xFF51_AFD7_ED55_8CCD
            mixed ^= mixed >> 32
            offset += 8
        }
        let hash = UInt32(truncatingIfNeeded: mixed)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        var local: Int32 = -1
        while true {
            let index = Int(slots.pointer[slot])
            if index < 0 {
                local = newWord(word, prefix: prefix, hash: hash, slot: slot)
                break
            }
            let known = words.pointer[index]
            if known.hash == hash, known.prefix == prefix, Int(known.count) == count,
               count <= 8 || Self.equal(text.pointer + Int(known.start) + 8, UnsafeBufferPointer(rebasing: word[8...])) {
                local = known.local
                break
            }
            slot = (slot + 1) & mask
        }
        guard local >= 0 else { return }
        let term = Int(local)
        if stamps.pointer[term] != stamp {
            stamps.pointer[term] = stamp
            weights.pointer[term] = weight
            seen.pointer[seen.count] = local
            seen.count += 1
        } else {
            weights.pointer[term] += weight
        }
    }

    /// Words are short: a loop costs less than a call of memcmp.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in 0..<b.count where a[k] != b[k] { return false }
        return true
    }

    @inline(never)
    private func newWord(_ word: UnsafeBufferPointer<UInt8>, prefix: UInt64, hash: UInt32, slot: Int) -> Int32 {
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
                seen.reserve(termNumbers.count)
            }
        }
        slots.pointer[slot] = Int32(words.count)
        words.append(Word(prefix: prefix, start: Int32(text.count), count: Int32(word.count), hash: hash, local: local))
        text.reserve(text.count + word.count)
        (text.pointer + text.count).initialize(from: word.baseAddress!, count: word.count)
        text.count += word.count
        if words.count * 2 > slots.count { growSlots() }
        return local
    }

    private func growSlots() {
        let size = slots.count * 2
        slots.raw.deallocate()
        slots = Buffer<Int32>(capacity: size)
        slots.count = size
        slots.pointer.initialize(repeating: -1, count: size)
        let mask = size - 1
        for index in 0..<words.count {
            var slot = Int(words.pointer[index].hash) & mask
            while slots.pointer[slot] >= 0 { slot = (slot + 1) & mask }
            slots.pointer[slot] = Int32(index)
        }
    }

    /// The terms of the document read since the last call, packed (`SearchEntry.pack`), by first
    /// occurrence; the next call starts a new document.
    func finishDocument() -> [UInt32] {
        let packed = (0..<seen.count).map { index in
            let term = Int(seen.pointer[index])
            return SearchEntry.pack(number: termNumbers.pointer[term], weight: Int(weights.pointer[term]))
        }
        seen.count = 0
        if stamp == .max {
            stamp = 0
            for index in 0..<stamps.count { stamps.pointer[index] = -1 }
        } else {
            stamp += 1
        }
        return packed
    }

    /// Memory of trivial values, grown by doubling; freed by its owner.
    private struct Buffer<Element> {
        private(set) var pointer: UnsafeMutablePointer<Element>
        private(set) var capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            pointer = .allocate(capacity: capacity)
        }

        var raw: UnsafeMutablePointer<Element> { pointer }

        mutating func reserve(_ wanted: Int) {
            guard wanted > capacity else { return }
            var size = capacity * 2
            while size < wanted { size *= 2 }
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: size)
            grown.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            pointer = grown
            capacity = size
        }

        mutating func append(_ element: Element) {
            reserve(count + 1)
            (pointer + count).initialize(to: element)
            count += 1
        }
    }
}
