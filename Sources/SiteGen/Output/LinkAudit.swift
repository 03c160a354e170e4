/// The last check before the site is swapped in: every relative `href` and `src` of every written page
/// must lead to a file of the site. Markdown links were checked against their sources already; this
/// catches what templates write (navigation, assets, the infobox), which nothing else sees.
enum LinkAudit {
    /// Site paths (folders end in `/`) that the page at `pagePath` links to with relative URLs.
    static func relativeTargets(in html: [UInt8], pagePath: String) -> [String] {
        var targets: [String] = []
        let folder = pagePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for value in attributeValues(in: html) {
            guard let first = value.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "/"),
                  !hasScheme(value) else { continue }
            var end = value.endIndex
            if let cut = value.firstIndex(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") }) { end = cut }
            let relative = String(decoding: value[..<end], as: UTF8.self)
            if relative.isEmpty { continue }
            var parts = Array(folder)
            for component in relative.split(separator: "/", omittingEmptySubsequences: false) {
                switch component {
                case ".", "": continue
                case "..": if !parts.isEmpty { parts.removeLast() }
                default: parts.append(component)
                }
            }
            let path = parts.joined(separator: "/")
            targets.append(relative.hasSuffix("/") || relative.hasSuffix("/.") || relative == "." ? (path.isEmpty ? "" : path + "/") : path)
        }
        return targets
    }

    /// Values of `href="…"` and `src="…"` attributes, as sitegen's templates and cmark write them.
    private static func attributeValues(in html: [UInt8]) -> [ArraySlice<UInt8>] {
        var values: [ArraySlice<UInt8>] = []
        let quote = UInt8(ascii: "\"")
        var index = 0
        while index + 6 < html.count {
            let isHref = html[index] == UInt8(ascii: "h") && html[index + 1] == UInt8(ascii: "r") && html[index + 2] == UInt8(ascii: "e")
                && html[index + 3] == UInt8(ascii: "f") && html[index + 4] == UInt8(ascii: "=") && html[index + 5] == quote
            let isSrc = html[index] == UInt8(ascii: "s") && html[index + 1] == UInt8(ascii: "r") && html[index + 2] == UInt8(ascii: "c")
                && html[index + 3] == UInt8(ascii: "=") && html[index + 4] == quote
            guard (isHref || isSrc), index == 0 || html[index - 1] == UInt8(ascii: " ") else {
                index += 1
                continue
            }
            let start = index + (isHref ? 6 : 5)
            guard let end = html[start...].firstIndex(of: quote) else { break }
            values.append(html[start..<end])
            index = end + 1
        }
        return values
    }

    private static func hasScheme(_ value: ArraySlice<UInt8>) -> Bool {
        for byte in value {
            switch byte {
            case UInt8(ascii: ":"): return true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "-"):
                continue
            default: return false
            }
        }
        return false
    }
}
