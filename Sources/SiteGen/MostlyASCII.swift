extension String {
    /// Text from UTF-8 that is mostly ASCII (pages, cmark's HTML); nil if it is not valid UTF-8.
    ///
    /// Swift checks text eight bytes at a time while it is all ASCII, and otherwise the whole text a byte
    /// at a time: a single `↩` (cmark's footnote arrow) or `é` made it check a whole page the slow way.
    /// Here long stretches of ASCII are copied after the fast check, and what lies between them (other
    /// characters with any short ASCII stretches among them) goes to Swift's check in one piece. An
    /// English page is a few long stretches and a few tiny pieces; a French or Japanese page is a few
    /// large pieces, never thousands of tiny ones (a String made and appended for each accented word cost
    /// forty times the check). Every piece starts and ends beside ASCII bytes, so it holds whole
    /// characters, and the text is valid exactly when every piece is.
    init?(validatingMostlyASCII bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else {
            self = ""
            return
        }
        // The ASCII start, usually nearly all of the text, is copied once, into storage with room for the rest.
        let asciiStart = Self.asciiPrefixCount(bytes)
        var text = String(unsafeUninitializedCapacity: bytes.count) { storage in
            _ = storage.initialize(from: UnsafeBufferPointer(start: base, count: asciiStart))
            return asciiStart
        }
        var start = asciiStart  // at a byte that is not ASCII, or at the end
        while start < bytes.count {
            var end = start, ascii = 0
            while end < bytes.count {
                while end < bytes.count, base[end] >= 0x80 { end += 1 }
                ascii = Self.asciiPrefixCount(UnsafeBufferPointer(rebasing: bytes[end...]))
                if ascii >= Self.longASCIIStretch || end + ascii == bytes.count { break }
                end += ascii
                if end - start > Self.denseText {
                    // Text in another language: no long ASCII stretch in sight, so the rest goes to Swift's
                    // check in one piece rather than being looked at twice.
                    end = bytes.count
                    ascii = 0
                    break
                }
            }
            guard let piece = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else { return nil }
            text += piece
            if ascii > 0 {
                text += String(decoding: UnsafeBufferPointer(rebasing: bytes[end..<(end + ascii)]), as: UTF8.self)
            }
            start = end + ascii
        }
        self = text
    }

    /// ASCII stretches at least this long are copied after the fast check; shorter ones are checked with
    /// the text around them (making and appending a String costs about as much as checking that many bytes).
    static let longASCIIStretch = 64

    /// A piece longer than this without a long ASCII stretch means text mostly in other scripts or full of
    /// accents, where Swift's own check of everything left is cheaper than finding the pieces first.
    static let denseText = 1_024

    /// How many bytes at the start are ASCII, looked at eight at a time.
    static func asciiPrefixCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var end = 0
        while end + 8 <= bytes.count, UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            end += 8
        }
        while end < bytes.count, base[end] < 0x80 { end += 1 }
        return end
    }

    /// Text from UTF-8 that is mostly ASCII and valid by construction (cmark's HTML); invalid bytes,
    /// which cmark does not write, would be replaced as `String(decoding:as:)` does.
    package init(decodingMostlyASCII bytes: UnsafeBufferPointer<UInt8>) {
        self = String(validatingMostlyASCII: bytes) ?? String(decoding: bytes, as: UTF8.self)
    }
}
