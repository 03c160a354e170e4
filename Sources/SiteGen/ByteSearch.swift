#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// Where `needle` first (or, with `last`, last) occurs in this text, as an index; nil if nowhere.
    ///
    /// A byte search on the UTF-8 storage (memchr for the first byte, memcmp for the rest): Foundation's
    /// `range(of:)` converts the whole text to UTF-16 first (BENCHMARKS.md says what that cost). UTF-8 is
    /// self-synchronising, so a match of whole characters' bytes starts and ends on character boundaries.
    func utf8Index(of needle: String, last: Bool = false) -> String.Index? {
        var text = self, needle = needle
        let offset: Int? = text.withUTF8 { haystack -> Int? in
            needle.withUTF8 { pattern -> Int? in
                if pattern.isEmpty { return last ? haystack.count : 0 }
                guard let base = haystack.baseAddress, let patternBase = pattern.baseAddress, pattern.count <= haystack.count else {
                    return nil
                }
                var found: Int? = nil, from = 0
                let lastStart = haystack.count - pattern.count
                while from <= lastStart, let hit = memchr(base + from, Int32(patternBase[0]), lastStart - from + 1) {
                    let start = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + start, patternBase, pattern.count) == 0 {
                        found = start
                        if !last { break }
                    }
                    from = start + 1
                }
                return found
            }
        }
        return offset.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }
}
