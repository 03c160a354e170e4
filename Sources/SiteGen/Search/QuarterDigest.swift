/// A digest of many bytes: `StableDigest` (FNV-1a over 128 bits) of each quarter of them, the four made at
/// once, then the byte count and the four digests added to a `StableDigest`. The search store digests every
/// page's HTML at every build: one FNV-1a runs a multiplication per byte that waits for the one before, and
/// took half as long as reading the page's words; four independent ones keep the processor's multipliers
/// busy and take a third of that time.
enum QuarterDigest {
    /// Adds the digest of `bytes` to `digest`.
    static func add(_ bytes: UnsafeBufferPointer<UInt8>, to digest: inout StableDigest) {
        let quarter = bytes.count / 4
        var lanes = (Lane(), Lane(), Lane(), Lane())
        if let base = bytes.baseAddress {
            for index in 0..<quarter {
                lanes.0.add(base[index])
                lanes.1.add(base[quarter + index])
                lanes.2.add(base[2 * quarter + index])
                lanes.3.add(base[3 * quarter + index])
            }
            // What does not divide by four: the last quarter's, all of a text shorter than four bytes.
            for index in (4 * quarter)..<bytes.count { lanes.3.add(base[index]) }
        }
        digest.add(bytes.count)
        lanes.0.add(to: &digest)
        lanes.1.add(to: &digest)
        lanes.2.add(to: &digest)
        lanes.3.add(to: &digest)
    }

    /// One FNV-1a state, as `StableDigest` keeps it, in values the loop above holds in registers.
    struct Lane {
        // The FNV-1a 128-bit offset basis and prime, as two 64-bit halves: `StableDigest`'s.
        private(set) var high: UInt64 = 0x6C62_272E_07BB_0142
        private(set) var low: UInt64 = 0x62B8_2175_6295_C58D

        @inline(__always)
        mutating func add(_ byte: UInt8) {
            low ^= UInt64(byte)
            // Multiplication by the prime 2^88 + 0x13B modulo 2^128, on the halves.
            let product = low.multipliedFullWidth(by: 0x13B)
            high = high &* 0x13B &+ product.high &+ (low << 24)
            low = product.low
        }

        /// The 128 bits, high half first, each as its eight bytes from the most significant.
        func add(to digest: inout StableDigest) {
            withUnsafeBytes(of: high.bigEndian) { digest.add(bytes: $0) }
            withUnsafeBytes(of: low.bigEndian) { digest.add(bytes: $0) }
        }

        /// As `StableDigest.hex` writes its 128 bits.
        var hex: String {
            func digits(_ half: UInt64) -> String {
                let text = String(half, radix: 16)
                return String(repeating: "0", count: 16 - text.count) + text
            }
            return digits(high) + digits(low)
        }
    }
}
