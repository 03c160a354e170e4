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
    if let fragment, !url.utf8.elementsEqual((withoutFragment + "#" + fragment).utf8) { fatalError("\(url) lost its fragment #\(fragment)") }
    let resolved = SitePath.join(sourcePath: holder, withoutFragment)
    var expected = Array(target.utf8)
    while expected.last == UInt8(ascii: "/") { expected.removeLast() }
    if resolved.map({ Array($0.utf8) }) != expected {
        fatalError("from \(holder) the URL \(url) leads to \(resolved ?? "outside"), not \(target)")
    }
}

/// Names without `.` or `..` components or empty ones; a folder ends in `/` (the root is ``). Split on bytes:
/// a `/` followed by a combining mark is one Character.
private func isPlainPath(_ path: String, asFolder: Bool) -> Bool {
    let bytes = Array(path.utf8), slash = UInt8(ascii: "/")
    if bytes.isEmpty { return true }
    if asFolder && bytes.last != slash { return false }
    var components = bytes.split(separator: slash, omittingEmptySubsequences: false)
    if bytes.last == slash { components.removeLast() }
    return components.allSatisfy { !$0.isEmpty && $0.elementsEqual(".".utf8) == false && $0.elementsEqual("..".utf8) == false && !$0.contains(UInt8(ascii: "#")) }
}
