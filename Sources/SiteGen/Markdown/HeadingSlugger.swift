/// Turns heading text into GitHub-style anchor ids, unique within one page.
///
/// GitHub lowercases the text, keeps letters, digits, `-` and `_`, turns spaces into `-` and drops
/// everything else; a repeated id gets `-1`, `-2`, … in order of appearance.
public struct HeadingSlugger: Sendable {
    private var used: [String: Int] = [:]

    public init(reserved: some Sequence<String> = []) {
        for id in reserved { used[id] = 0 }
    }

    public static func slug(_ text: String) -> String {
        var ascii = text
        if let slug = ascii.withUTF8(asciiSlug) { return slug }
        // Scalar by scalar, as `lowercased()` maps them; ASCII by the byte rules, the rest by their Unicode
        // properties, into UTF-8 bytes made a String once. Lowering the whole text first, asking every
        // scalar's properties and appending to a String's scalars cost about 1,500 instructions a character.
        var slug: [UInt8] = []
        slug.reserveCapacity(text.utf8.count + 8)  // lowering seldom lengthens a character (`İ` → `i̇`)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): slug.append(byte | 0x20)
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    slug.append(byte)
                case UInt8(ascii: " "): slug.append(UInt8(ascii: "-"))
                default: break
                }
                continue
            }
            if scalar.properties.changesWhenLowercased {
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars where lowered.isASCII ? keepsASCII(lowered) : keeps(lowered) {
                    UTF8.encode(lowered) { slug.append($0) }
                }
            } else if keeps(scalar) {
                UTF8.encode(scalar) { slug.append($0) }
            }
        }
        return String(decoding: slug, as: UTF8.self)
    }

    /// Whether an ASCII scalar that lowering produced (`K` from the Kelvin sign) stays in the id.
    private static func keepsASCII(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "-", "_": return true
        default: return false
        }
    }

    /// GitHub keeps letters, digits and combining marks of every script.
    private static func keeps(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar.properties.generalCategory == .nonspacingMark
    }

    /// The same rules for ASCII text, byte by byte; nil if the text is not all ASCII.
    private static func asciiSlug(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        guard text.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(unsafeUninitializedCapacity: text.count) { slug in
            var count = 0
            for byte in text {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): slug[count] = byte | 0x20
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    slug[count] = byte
                case UInt8(ascii: " "): slug[count] = UInt8(ascii: "-")
                default: continue
                }
                count += 1
            }
            return count
        }
    }

    /// The id for the next heading with this text.
    public mutating func uniqueID(for text: String) -> String {
        let base = Self.slug(text)
        var candidate = base
        if var count = used[base] {
            repeat {
                count += 1
                candidate = "\(base)-\(count)"
            } while used[candidate] != nil
            used[base] = count
        }
        used[candidate] = 0
        return candidate
    }
}
