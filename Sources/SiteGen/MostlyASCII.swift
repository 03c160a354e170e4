extension String {
    /// Text from UTF-8 that is mostly ASCII (pages, cmark's HTML); nil if it is not valid UTF-8.
    ///
    /// Swift checks runs of ASCII eight bytes at a time but any other text a byte at a time, so a single
    /// `↩` (cmark's footnote arrow) or `é` made it check a whole page the slow way. Runs of ASCII and runs
    /// of other bytes are converted separately and joined: every run starts and ends beside ASCII bytes,
    /// so it holds whole characters, and the text is valid exactly when every run is.
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
        var start = asciiStart
        while start < bytes.count {
            var end = start + Self.asciiPrefixCount(UnsafeBufferPointer(rebasing: bytes[start...]))
            if end == start {
                while end < bytes.count, base[end] >= 0x80 { end += 1 }
            }
            guard let run = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else { return nil }
            text += run
            start = end
        }
        self = text
    }

    /// How many bytes at the start are ASCII, looked at eight at a time.
    private static func asciiPrefixCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
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
    init(decodingMostlyASCII bytes: UnsafeBufferPointer<UInt8>) {
        self = String(validatingMostlyASCII: bytes) ?? String(decoding: bytes, as: UTF8.self)
    }
}
