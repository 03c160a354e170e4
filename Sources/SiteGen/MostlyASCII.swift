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
        var text = ""
        var start = 0
        while start < bytes.count {
            var end = start
            while end + 8 <= bytes.count, UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                end += 8
            }
            while end < bytes.count, base[end] < 0x80 { end += 1 }
            if end == start {
                while end < bytes.count, base[end] >= 0x80 { end += 1 }
            }
            guard let run = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) else { return nil }
            if start == 0 {
                if end == bytes.count { text = run; break }  // all ASCII: nothing to join
                text.reserveCapacity(bytes.count)
            }
            text += run
            start = end
        }
        self = text
    }

    /// Text from UTF-8 that is mostly ASCII and valid by construction (cmark's HTML); invalid bytes,
    /// which cmark does not write, would be replaced as `String(decoding:as:)` does.
    init(decodingMostlyASCII bytes: UnsafeBufferPointer<UInt8>) {
        self = String(validatingMostlyASCII: bytes) ?? String(decoding: bytes, as: UTF8.self)
    }
}
