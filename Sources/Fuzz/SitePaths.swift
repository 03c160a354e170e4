// Long, deep and odd paths through SitePath, whose byte-level functions write into buffers they size
// themselves: under AddressSanitizer an overrun is caught, and for clean paths the URLs must lead back.
import SiteGen

/// Input: holder, target and an optional fragment, on lines of their own.
func fuzzSitePaths(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    let holder = lines[0], target = lines.count > 1 ? lines[1] : "", fragment = lines.count > 2 ? lines[2] : nil
    let url = SitePath.relative(from: holder, to: target, fragment: fragment)
    _ = SitePath.join(sourcePath: holder, target)
    _ = SitePath.join(sourcePath: target, url)
    _ = SitePath.pageURL(forSource: holder)
    _ = SitePath.pageURL(forSource: target)
    // A page's folder (`a/b/`, or `` for the root) and a path below the root, each of plain names: the
    // relative URL, resolved from the holder's folder, is the target again.
    guard isPlainPath(holder, asFolder: true), isPlainPath(target, asFolder: false) else { return }
    let withoutFragment = fragment.map { String(url.utf8.dropLast($0.utf8.count + 1))! } ?? url
    if let fragment, !url.hasSuffix("#" + fragment) { fatalError("\(url) lost its fragment #\(fragment)") }
    let resolved = SitePath.join(sourcePath: holder, withoutFragment)
    var expected = Substring(target)
    while expected.hasSuffix("/") { expected = expected.dropLast() }
    if resolved.map({ Substring($0) }) != expected {
        fatalError("from \(holder) the URL \(url) leads to \(resolved ?? "outside"), not \(target)")
    }
}

/// Names without `.` or `..` components or empty ones; a folder ends in `/` (the root is ``).
private func isPlainPath(_ path: String, asFolder: Bool) -> Bool {
    if path.isEmpty { return true }
    if asFolder != path.hasSuffix("/") && asFolder { return false }
    var components = path.split(separator: "/", omittingEmptySubsequences: false)
    if path.hasSuffix("/") { components.removeLast() }
    return components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("#") }
}
