import Testing
@testable import SiteGen

/// The fast path for mostly-ASCII text must accept and refuse exactly what Swift's own check does.
struct MostlyASCIITests {
    static let samples: [[UInt8]] = [
        [],
        Array("plain ASCII text that is longer than eight bytes".utf8),
        Array("<p>Note<a href=\"#fnref-1\">↩</a></p>\n".utf8),
        Array("é".utf8),
        Array("Mali–United States relations, Touré, 日本語, emoji 🇲🇱 and back to ASCII".utf8),
        Array("twelve bytes" .utf8) + [0xE2, 0x86, 0xA9],         // ends with a character
        Array("abc".utf8) + [0x80] + Array("def".utf8),          // a lone continuation byte
        Array("abcdefgh".utf8) + [0xE2, 0x86],                    // cut short at the end
        [0xC3] + Array("abcdefghij".utf8),                        // a lead byte before ASCII
        Array("overlong".utf8) + [0xC0, 0xAF],                    // overlong encoding of `/`
        [0xED, 0xA0, 0x80],                                        // a surrogate
        Array("valid é then".utf8) + [0xFF] + Array("invalid".utf8),
    ]

    /// Text that is not mostly ASCII, with stretches of ASCII of every length around the long-stretch limit.
    static let mixed: [[UInt8]] = (0..<6).map { seed in
        var generator = SplitMix64(seed: UInt64(seed))
        let pieces = ["é", "日本語", "🇲🇱", "↩", "—", " ", "a", String(repeating: "x", count: String.longASCIIStretch - 1),
                      String(repeating: "y", count: String.longASCIIStretch), String(repeating: "z", count: 200)]
        var bytes = (0..<400).flatMap { _ in Array(pieces.randomElement(using: &generator)!.utf8) }
        if seed >= 3 { bytes.insert([0x80, 0xC3, 0xFF][seed - 3], at: Int.random(in: 0..<bytes.count, using: &generator)) }
        return bytes
    }

    /// Text in other scripts or full of accents, with no long ASCII stretch for more than `denseText` bytes,
    /// which is checked in one piece from there on; some with a bad byte early, some far past that point.
    static let dense: [[UInt8]] = (0..<6).map { seed in
        var generator = SplitMix64(seed: UInt64(100 + seed))
        let pieces = ["é", "日本語", "🇲🇱", "—", " ", "a", ". ", String(repeating: "x", count: 20)]
        var bytes = (0..<800).flatMap { _ in Array(pieces.randomElement(using: &generator)!.utf8) }
        precondition(bytes.count > 2 * String.denseText)
        if seed >= 2 {
            let at = seed % 2 == 0 ? Int.random(in: 0..<String.denseText, using: &generator) : bytes.count - Int.random(in: 1..<200, using: &generator)
            bytes.insert([0x80, 0xC3, 0xFF, 0xED][seed - 2], at: at)
        }
        return bytes
    }

    @Test(arguments: samples + mixed + dense) func agreesWithSwift(bytes: [UInt8]) {
        let fast = bytes.withUnsafeBufferPointer(String.init(validatingMostlyASCII:))
        let swift = String(validating: bytes, as: UTF8.self)
        #expect(fast == swift)
        if let fast { #expect(Array(fast.utf8) == bytes) }
    }
}

