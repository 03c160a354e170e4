import Foundation

/// The words of a text as the search index and its reader (`templates/assets/search.js`) both see them.
/// Every rule here has its twin in that script, and `SearchTextTests` checks that both give the same terms
/// for a list of words: a term the index holds that the reader cannot make is a page nobody finds.
public enum SearchText {
    /// Calls `body` with each word of `text`, folded: lower case, accents taken off (Keïta is keita). A word is
    /// a run of letters, digits and combining marks; anything else separates words.
    public static func forEachWord(in text: String, _ body: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in forEachWord(inUTF8: bytes) { body(String(decoding: $0, as: UTF8.self)) } }
    }

    /// The same on valid UTF-8, each folded word handed over as bytes that last for the call only. Words of
    /// ASCII letters and digits are folded as they are read; a word with any other letter is folded as a String.
    static func forEachWord(inUTF8 bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // The folded ASCII word, in a buffer as long as the text: no word is longer.
        let word = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        defer { word.deallocate() }
        var length = 0
        var start = -1, ascii = true
        func flush(_ end: Int) {
            if ascii {
                body(UnsafeBufferPointer(start: word, count: length))
            } else {
                var folded = fold(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                if !folded.isEmpty { folded.withUTF8(body) }
            }
            length = 0
            start = -1
            ascii = true
        }
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            if byte < 0x80 {
                let letter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) ? byte
                    : byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : 0
                if letter != 0 {
                    if start < 0 { start = i }
                    if ascii { word[length] = letter; length += 1 }
                } else if start >= 0 {
                    flush(i)
                }
                i += 1
            } else {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var value = UInt32(byte & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07))
                for k in 1..<length where i + k < count { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                if let scalar = Unicode.Scalar(value), isWordScalar(scalar) {
                    if start < 0 { start = i }
                    ascii = false
                } else if start >= 0 {
                    flush(i)
                }
                i += length
            }
        }
        if start >= 0 { flush(count) }
    }

    /// The scalar whose UTF-8 begins at `i` (a byte beyond ASCII): where the next begins, and whether it is
    /// part of a word (`isWordScalar`).
    static func scalar(_ bytes: UnsafePointer<UInt8>, at i: Int, count: Int) -> (next: Int, isWord: Bool) {
        let byte = bytes[i]
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        var value = UInt32(byte & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07))
        for k in 1..<length where i + k < count { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (min(i + length, count), Unicode.Scalar(value).map(isWordScalar) ?? false)
    }

    /// The folded words of a text.
    public static func words(in text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append($0) }
        return words
    }

    /// Lower case, then canonical decomposition without its marks: the same steps, in the same order, as
    /// `toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")` in the browser.
    public static func fold(_ word: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in word.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars where !isMark(scalar) {
            folded.append(scalar)
        }
        return String(folded)
    }

    /// \p{L}, \p{N} and \p{M}, as the browser's regular expressions read them.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Words too common to tell pages apart: every page has them, and their lists of pages would be the
    /// largest part of the index. A query made only of them finds nothing.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he", "her",
        "his", "in", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were",
        "which", "with",
    ]

    /// The term a folded word is indexed under: nil for a stop word or a single letter; otherwise its stem.
    public static func term(_ word: String) -> String? {
        if stopWords.contains(word) { return nil }
        if word.utf8.count == 1, let byte = word.utf8.first, !(byte >= 0x30 && byte <= 0x39) { return nil }
        return stem(word)
    }

    /// Steps 1a, 1b and 1c of Porter's stemmer (1980), for words of ASCII letters longer than three:
    /// plurals and -ed, -ing (visits, visited, visiting: visit; embassy, embassies: embassi). Other words,
    /// numbers and words with letters beyond ASCII among them, are kept as they are.
    public static func stem(_ word: String) -> String {
        // Every rule needs a word that ends in s, d, g or y: most words leave here.
        guard let last = word.utf8.last, last == 0x73 || last == 0x64 || last == 0x67 || last == 0x79 else { return word }
        var w = Array(word.utf8)
        guard w.count > 3, w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        func ends(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard w.count >= count else { return false }
            let start = w.count - count
            let pointer = suffix.utf8Start
            for i in 0..<count where w[start + i] != pointer[i] { return false }
            return true
        }
        func replace(_ count: Int, with suffix: String) { w.removeLast(count); w += Array(suffix.utf8) }
        // Step 1a
        if ends("sses") { replace(2, with: "") }
        else if ends("ies") { replace(2, with: "") }
        else if ends("ss") {}
        else if ends("s") { w.removeLast() }
        // Step 1b
        var cleanUp = false
        if ends("eed") {
            if measure(w, w.count - 3) > 0 { w.removeLast() }
        } else if ends("ed"), hasVowel(w, w.count - 2) {
            w.removeLast(2)
            cleanUp = true
        } else if ends("ing"), hasVowel(w, w.count - 3) {
            w.removeLast(3)
            cleanUp = true
        }
        if cleanUp {
            if ends("at") || ends("bl") || ends("iz") { w.append(0x65) }
            else if endsWithDoubleConsonant(w), let last = w.last, last != 0x6C, last != 0x73, last != 0x7A { w.removeLast() }
            else if measure(w, w.count) == 1, endsCVC(w) { w.append(0x65) }
        }
        // Step 1c
        if ends("y"), hasVowel(w, w.count - 1) { w[w.count - 1] = 0x69 }
        return String(decoding: w, as: UTF8.self)
    }

    /// Porter's consonant: not a, e, i, o, u, nor a y after a consonant.
    private static func isConsonant(_ w: [UInt8], _ i: Int) -> Bool {
        switch w[i] {
        case 0x61, 0x65, 0x69, 0x6F, 0x75: return false
        case 0x79: return i == 0 ? true : !isConsonant(w, i - 1)
        default: return true
        }
    }

    /// The number of vowel–consonant sequences in the first `count` letters.
    private static func measure(_ w: [UInt8], _ count: Int) -> Int {
        var m = 0, i = 0
        while i < count && isConsonant(w, i) { i += 1 }
        while i < count {
            while i < count && !isConsonant(w, i) { i += 1 }
            if i >= count { break }
            while i < count && isConsonant(w, i) { i += 1 }
            m += 1
        }
        return m
    }

    private static func hasVowel(_ w: [UInt8], _ count: Int) -> Bool {
        (0..<max(0, count)).contains { !isConsonant(w, $0) }
    }

    private static func endsWithDoubleConsonant(_ w: [UInt8]) -> Bool {
        w.count >= 2 && w[w.count - 1] == w[w.count - 2] && isConsonant(w, w.count - 1)
    }

    private static func endsCVC(_ w: [UInt8]) -> Bool {
        let n = w.count
        guard n >= 3, isConsonant(w, n - 1), !isConsonant(w, n - 2), isConsonant(w, n - 3) else { return false }
        return w[n - 1] != 0x77 && w[n - 1] != 0x78 && w[n - 1] != 0x79
    }

    /// The shard a term's first letters name: a–z and 0–9 as they are, anything else `_`.
    public static func keyCharacter(_ scalar: Unicode.Scalar) -> Character {
        let v = scalar.value
        return (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) ? Character(scalar) : "_"
    }

    /// The first `length` key characters of a term.
    public static func key(_ term: String, length: Int) -> String {
        String(term.unicodeScalars.prefix(length).map(keyCharacter))
    }
}
