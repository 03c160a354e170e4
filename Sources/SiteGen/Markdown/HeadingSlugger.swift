#if canImport(Glibc)
import Glibc
#endif

/// Turns heading text into GitHub-style anchor ids, unique within one page.
///
/// GitHub lowercases the text, keeps letters, digits, `-` and `_`, turns spaces into `-` and drops
/// everything else; a repeated id gets `-1`, `-2`, … in order of appearance.
public struct HeadingSlugger: Sendable {
    /// Ids given so far, each with the last number added to it. Keyed by their bytes, as browsers compare
    /// ids: a String key is hashed in Unicode normal form, which is costly for an id that is not all ASCII.
    private var used: [IDKey: Int] = [:]
    /// What the rules said of the non-ASCII scalars this slugger has met.
    private var verdicts = ScalarVerdicts()

    public init(reserved: some Sequence<String> = []) {
        for id in reserved { used[IDKey(id)] = 0 }
    }

    public static func slug(_ text: String) -> String {
        var verdicts = ScalarVerdicts()
        return slug(text, verdicts: &verdicts)
    }

    /// The slug of `text`, remembering the verdicts on its scalars for the page's next headings.
    public mutating func slug(_ text: String) -> String { Self.slug(text, verdicts: &verdicts) }

    private static func slug(_ text: String, verdicts: inout ScalarVerdicts) -> String {
        var ascii = text
        if let slug = ascii.withUTF8(asciiSlug) { return slug }
        // Scalar by scalar, as `lowercased()` maps them; ASCII by the byte rules, the rest by their Unicode
        // properties, into UTF-8 bytes made a String once, rather than lowering the whole text first, asking
        // every scalar's properties and appending to a String's scalars.
        var slug: [UInt8] = []
        slug.reserveCapacity(text.utf8.count + 8)  // lowering seldom lengthens a character (`İ` → `i̇`)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                if let byte = slugByte(UInt8(scalar.value)) { slug.append(byte) }
                continue
            }
            switch verdicts.verdict(on: scalar) {
            case .lowers:
                // Lowering can produce ASCII (`K` from the Kelvin sign), which follows the ASCII rule.
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars {
                    if lowered.isASCII {
                        if let byte = slugByte(UInt8(lowered.value)) { slug.append(byte) }
                    } else if keeps(lowered) {
                        UTF8.encode(lowered) { slug.append($0) }
                    }
                }
            case .keeps:
                UTF8.encode(scalar) { slug.append($0) }
            case .drops:
                break
            }
        }
        return String(decoding: slug, as: UTF8.self)
    }

    /// The rule for an ASCII byte: a letter lowered, a digit, `-` or `_` kept, a space made `-`; nil drops it.
    private static func slugByte(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): byte
        case UInt8(ascii: " "): UInt8(ascii: "-")
        default: nil
        }
    }

    /// GitHub keeps letters, digits and combining marks of every script.
    fileprivate static func keeps(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar.properties.generalCategory == .nonspacingMark
    }

    /// The same rules for ASCII text, byte by byte; nil if the text is not all ASCII.
    private static func asciiSlug(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        guard text.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(unsafeUninitializedCapacity: text.count) { slug in
            var count = 0
            for byte in text {
                guard let kept = slugByte(byte) else { continue }
                slug[count] = kept
                count += 1
            }
            return count
        }
    }

    /// The id for the next heading with this text.
    public mutating func uniqueID(for text: String) -> String {
        let base = slug(text)
        // One hash for the usual heading, whose id is new.
        guard var count = used.updateValue(0, forKey: IDKey(base)) else { return base }
        var candidate = base
        repeat {
            count += 1
            candidate = "\(base)-\(count)"
        } while used[IDKey(candidate)] != nil
        used[IDKey(base)] = count
        used[IDKey(candidate)] = 0
        return candidate
    }
}

/// An id compared and hashed by its UTF-8 bytes, as browsers match ids: two spellings of `é` (one scalar,
/// or `e` and a combining accent) are two ids.
private struct IDKey: Hashable {
    let id: String
    init(_ id: String) { self.id = id }

    static func == (a: IDKey, b: IDKey) -> Bool {
        // Ids are native Strings, whose bytes are at hand; the generic comparison of two UTF8Views is the fallback.
        let same = a.id.utf8.withContiguousStorageIfAvailable { x in
            b.id.utf8.withContiguousStorageIfAvailable { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
        return (same ?? nil) ?? a.id.utf8.elementsEqual(b.id.utf8)
    }

    func hash(into hasher: inout Hasher) {
        if id.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in id.utf8 { hasher.combine(byte) }
        }
    }
}

/// The slug rules' verdicts on non-ASCII scalars, asked once a page per scalar instead of once per use:
/// each verdict takes several Unicode property lookups, and a page in Chinese or French repeats a few
/// hundred scalars across its headings. Direct-mapped on the scalar's
/// low bits, so a verdict can be pushed out by another scalar and is then worked out again.
private struct ScalarVerdicts {
    enum Verdict: UInt32 {
        case keeps = 1, drops, lowers
    }

    /// scalar << 2 | verdict; 0 is empty (no ASCII scalar is asked about).
    private var entries: [UInt32] = []

    mutating func verdict(on scalar: Unicode.Scalar) -> Verdict {
        if entries.isEmpty { entries = Array(repeating: 0, count: 256) }
        let slot = Int(scalar.value & 0xFF)
        let entry = entries[slot]
        if entry >> 2 == scalar.value, let known = Verdict(rawValue: entry & 3) { return known }
        let verdict: Verdict = scalar.properties.changesWhenLowercased ? .lowers : HeadingSlugger.keeps(scalar) ? .keeps : .drops
        entries[slot] = scalar.value << 2 | verdict.rawValue
        return verdict
    }
}
