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
    public static func relative(from holder: String, to target: String) -> String {
        let holderFolders = holder.split(separator: "/", omittingEmptySubsequences: true)
        // A page URL ends in "/" and names a folder; a file URL's last part is not a folder.
        let depth = holder.hasSuffix("/") || holder.isEmpty ? holderFolders.count : holderFolders.count - 1
        let targetParts = target.split(separator: "/", omittingEmptySubsequences: true)
        var common = 0
        while common < depth, common < targetParts.count, holderFolders[common] == targetParts[common],
              common < targetParts.count - (target.hasSuffix("/") ? 0 : 1) {
            common += 1
        }
        let up = String(repeating: "../", count: depth - common)
        let down = targetParts.dropFirst(common).joined(separator: "/") + (target.hasSuffix("/") && targetParts.count > common ? "/" : "")
        let result = up + down
        return result.isEmpty ? "./" : result
    }

    /// Resolves `relative` against the folder of `sourcePath`, both inside `content/`; nil if it climbs out.
    public static func join(sourcePath: String, _ relative: String) -> String? {
        var parts = sourcePath.split(separator: "/").dropLast().map(String.init)
        for component in relative.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "", ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(String(component))
            }
        }
        return parts.joined(separator: "/")
    }
}
