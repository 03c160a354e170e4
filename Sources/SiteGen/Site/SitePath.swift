/// Output URLs, as paths from the site root with a trailing `/` for pages (`history/`, root is ``).
public enum SitePath {
    /// The URL of the page a Markdown file becomes: `history.md` → `history/`, `index.md` → ``.
    public static func pageURL(forSource path: String) -> String {
        var stem = String(path.dropLast(3))  // ".md"
        if stem == "index" { return "" }
        if stem.hasSuffix("/index") { stem.removeLast("index".count) ; return stem }
        return stem + "/"
    }

    /// The timeline anchor of an event file: `timeline/1960-09-24-relations.md` → `1960-09-24-relations`.
    public static func eventAnchor(forSource path: String) -> String {
        String(path.split(separator: "/").last!.dropLast(3))
    }

    /// A URL for `target` (a path from the root) that works from a page at `holder`, under any subpath.
    ///
    /// Both are paths from the site root; a page URL ends in `/` and names a folder. The result climbs
    /// out of the holder's folders below the common prefix, then goes down to the target.
    public static func relative(from holder: String, to target: String) -> String {
        if holder.isEmpty { return target.isEmpty ? "./" : target }  // the root: the common case
        let slash = UInt8(ascii: "/")
        let holderBytes = Array(holder.utf8), targetBytes = Array(target.utf8)
        var common = 0  // bytes of the shared folders, up to and including a `/`
        var index = 0
        while index < holderBytes.count, index < targetBytes.count, holderBytes[index] == targetBytes[index] {
            if holderBytes[index] == slash { common = index + 1 }
            index += 1
        }
        let ups = holderBytes[common...].count { $0 == slash }
        let down = String(decoding: targetBytes[common...], as: UTF8.self)
        let result = String(repeating: "../", count: ups) + down
        return result.isEmpty ? "./" : result
    }

    /// Resolves `relative` against the folder of `sourcePath`, both inside `content/`; nil if it climbs out.
    public static func join(sourcePath: String, _ relative: String) -> String? {
        // On bytes: this runs for every link of every page, twice (source check and output audit).
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var folders = sourcePath.utf8.split(separator: slash)
        folders.removeLast()
        var result: [UInt8] = []
        result.reserveCapacity(sourcePath.utf8.count + relative.utf8.count)
        func append(_ component: Substring.UTF8View) {
            if !result.isEmpty { result.append(slash) }
            result.append(contentsOf: component)
        }
        for folder in folders { append(folder) }
        for component in relative.utf8.split(separator: slash, omittingEmptySubsequences: false) {
            if component.isEmpty || (component.count == 1 && component.first == dot) { continue }
            if component.count == 2, component.allSatisfy({ $0 == dot }) {
                guard !result.isEmpty else { return nil }
                result.removeSubrange((result.lastIndex(of: slash) ?? 0)...)
                continue
            }
            append(component)
        }
        return String(decoding: result, as: UTF8.self)
    }
}
