#if canImport(Glibc)
import Glibc
#endif

/// The last check before anything is written: every relative `href` and `src` of every rendered page
/// must lead to a file of the site. Markdown links were checked against their sources already; this
/// catches what templates write (navigation, assets, the infobox), which nothing else sees.
enum LinkAudit {
    /// Site paths (folders end in `/`) that the page at `pagePath` links to with relative URLs;
    /// a link that climbs above the site's root becomes `../`, which no file has.
    static func relativeTargets(in html: UnsafeBufferPointer<UInt8>, pagePath: String) -> [String] {
        var targets: [String] = []
        var pagePath = pagePath
        pagePath.withUTF8 { page in
            for range in attributeValues(in: html) {
                let value = html[range]
                guard let first = value.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "/"),
                      !LinkResolver.hasScheme(value) else { continue }
                let end = value.firstIndex { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") } ?? value.endIndex
                let bytes = value[..<end]
                if bytes.isEmpty { continue }
                // Straight from the HTML's bytes to the site path, a folder with its `/`, in one new String.
                targets.append(SitePath.join(page, UnsafeBufferPointer(rebasing: bytes), asFolder: namesFolder(bytes)) ?? "../")
            }
        }
        return targets
    }

    /// One error per target no file of the site has: a template's broken link is on every page it renders,
    /// so the message names the first page and counts the others.
    static func diagnostics(files: [OutputFile], brokenTargets: [[String]]) -> [Diagnostic] {
        // Pages made from a content file first, by name: the 404 page and others have none to point at.
        var pagesByTarget: [String: [(hasOrigin: Bool, name: String)]] = [:]
        for (file, targets) in zip(files, brokenTargets) where !targets.isEmpty {
            for target in Set(targets) {
                pagesByTarget[target, default: []].append((file.origin != nil, file.origin ?? file.path))
            }
        }
        return pagesByTarget.map { target, pages in
            let sorted = pages.sorted { ($0.hasOrigin ? 0 : 1, $0.name) < ($1.hasOrigin ? 0 : 1, $1.name) }.map(\.name)
            let others = sorted.count > 1 ? " (as do \(sorted.count - 1) other pages)" : ""
            return .error(sorted[0], "the page links to \(target.isEmpty ? "the home page" : target), which the site does not have\(others); check the templates' links")
        }
    }

    /// `…/`, `.`, `…/.`, `..`, `…/..`: a link to a folder, which means its index.html.
    private static func namesFolder(_ path: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        var last = path.reversed().makeIterator()
        switch last.next() {
        case slash: return true
        case dot:
            switch last.next() {
            case nil, slash: return true  // `.`, `…/.`
            case dot: let before = last.next(); return before == nil || before == slash  // `..`, `…/..`
            default: return false
            }
        default: return false
        }
    }

    /// Values of `href="…"` and `src="…"` attributes, as sitegen's templates and cmark write them.
    private static func attributeValues(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var values: [Range<Int>] = []
        let quote = UInt8(ascii: "\"")
        guard let base = bytes.baseAddress else { return [] }
        var index = 0
        // `=` is rare in HTML text, so jump from one to the next and look at the name before it.
        while index < bytes.count, let found = memchr(base + index, Int32(UInt8(ascii: "=")), bytes.count - index) {
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            index = at + 1
            guard at + 1 < bytes.count, bytes[at + 1] == quote else { continue }
            let isHref = at >= 5 && bytes[at - 4] == UInt8(ascii: "h") && bytes[at - 3] == UInt8(ascii: "r")
                && bytes[at - 2] == UInt8(ascii: "e") && bytes[at - 1] == UInt8(ascii: "f") && bytes[at - 5] == UInt8(ascii: " ")
            let isSrc = at >= 4 && bytes[at - 3] == UInt8(ascii: "s") && bytes[at - 2] == UInt8(ascii: "r")
                && bytes[at - 1] == UInt8(ascii: "c") && bytes[at - 4] == UInt8(ascii: " ")
            guard isHref || isSrc else { continue }
            let start = at + 2
            guard let end = bytes[start...].firstIndex(of: quote) else { break }
            values.append(start..<end)
            index = end + 1
        }
        return values
    }
}
