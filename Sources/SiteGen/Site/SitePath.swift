/// Output URLs, as paths from the site root with a trailing `/` for pages (`history/`, root is ``).
public enum SitePath {
    /// The URL of the page a Markdown file becomes: `history.md` → `history/`, `index.md` → ``. A folder's
    /// page may also be `_index.md`, as Hugo and Zola name a section's page: `posts/_index.md` → `posts/`.
    public static func pageURL(forSource path: String) -> String {
        // On bytes: every page's URL is asked for several times in each phase.
        var path = path
        return path.withUTF8 { bytes in
            // The folder (with its `/`) of `…/index.md` or `…/_index.md`; nil for any other file.
            var folderEnd: Int?
            for name in ["index.md", "_index.md"] as [StaticString] where bytes.count >= name.utf8CodeUnitCount {
                let start = bytes.count - name.utf8CodeUnitCount
                if start == 0 || bytes[start - 1] == slash,
                   bytes[start...].elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)) {
                    folderEnd = start
                }
            }
            if let folderEnd { return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<folderEnd]), as: UTF8.self) }
            let kept = max(bytes.count - 3, 0)  // `.md` becomes `/`
            return String(unsafeUninitializedCapacity: kept + 1) { url in
                _ = url.initialize(from: UnsafeBufferPointer(rebasing: bytes[..<kept]))
                url[kept] = slash
                return kept + 1
            }
        }
    }

    /// A file's name without folder and `.md`: the anchor of an item shown on its folder's page
    /// (`events/1960-09-24-relations.md` → `1960-09-24-relations`).
    public static func fileStem(_ path: String) -> String {
        String(path.split(separator: "/").last!.dropLast(3))
    }

    /// A URL for `target` (a path from the root) that works from a page at `holder`, under any subpath,
    /// with `#fragment` when one is given.
    ///
    /// Both are paths from the site root; a page URL ends in `/` and names a folder. The result climbs
    /// out of the holder's folders below the common prefix, then goes down to the target.
    public static func relative(from holder: String, to target: String, fragment: String? = nil) -> String {
        if holder.isEmpty, fragment == nil { return target.isEmpty ? "./" : target }  // the root: the common case
        // On bytes, into one new String: this runs for every link of every page.
        var holder = holder, target = target, fragmentText = fragment ?? ""
        return holder.withUTF8 { holderBytes in
            target.withUTF8 { targetBytes in
                fragmentText.withUTF8 { fragmentBytes in
                    var common = 0  // bytes of the shared folders, up to and including a `/`
                    var index = 0
                    while index < holderBytes.count, index < targetBytes.count, holderBytes[index] == targetBytes[index] {
                        if holderBytes[index] == slash { common = index + 1 }
                        index += 1
                    }
                    let ups = holderBytes[common...].count { $0 == slash }
                    let down = UnsafeBufferPointer(rebasing: targetBytes[common...])
                    let here = ups == 0 && down.isEmpty  // the holder itself: `./`
                    let count = (here ? 2 : ups * 3) + down.count + (fragment == nil ? 0 : 1 + fragmentBytes.count)
                    return String(unsafeUninitializedCapacity: count) { buffer in
                        var length = 0
                        // The count above is worked out by hand: a write past it stops the program, in release too.
                        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                            precondition(bytes.count <= buffer.count - length, "SitePath.relative sized its buffer too small")
                            _ = UnsafeMutableBufferPointer(rebasing: buffer[length...]).initialize(from: bytes)
                            length += bytes.count
                        }
                        func put(_ byte: UInt8) {
                            precondition(length < buffer.count, "SitePath.relative sized its buffer too small")
                            buffer[length] = byte
                            length += 1
                        }
                        if here { put(dot); put(slash) }
                        for _ in 0..<ups { put(dot); put(dot); put(slash) }
                        put(down)
                        if fragment != nil { put(hash); put(fragmentBytes) }
                        return length
                    }
                }
            }
        }
    }

    /// Resolves `relative` against the folder of `sourcePath`, both inside `content/`; nil if it climbs out.
    public static func join(sourcePath: String, _ relative: String) -> String? {
        var source = sourcePath, target = relative
        return source.withUTF8 { sourceBytes in
            target.withUTF8 { targetBytes -> String? in
                // A file at the root linking to a file name: nothing to resolve.
                let isDotOrDotDot = (1...2).contains(targetBytes.count) && targetBytes.allSatisfy { $0 == dot }
                if !sourceBytes.contains(slash), !targetBytes.contains(slash), !isDotOrDotDot { return relative }
                return join(sourceBytes, targetBytes, asFolder: false)
            }
        }
    }

    /// The same for a relative URL's bytes; a folder (`asFolder`) comes back with its `/` (the root as ``).
    static func join(_ sourceBytes: UnsafeBufferPointer<UInt8>, _ targetBytes: UnsafeBufferPointer<UInt8>, asFolder: Bool) -> String? {
        // On bytes, without splitting into Strings: this runs for every link of every page, twice.
        // Built in place: the joined path is never longer than the source's folder, a `/`, the target and a `/`.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: sourceBytes.count + targetBytes.count + 2) { buffer -> String? in
            var length = 0
            // A write past the buffer stops the program, in release too.
            func append(_ component: UnsafeBufferPointer<UInt8>) {
                precondition(component.count + 1 <= buffer.count - length, "SitePath.join sized its buffer too small")
                if length > 0 { buffer[length] = slash; length += 1 }
                _ = UnsafeMutableBufferPointer(rebasing: buffer[length...]).initialize(from: component)
                length += component.count
            }
            // The folders of the source: every component before the last `/`, taken as they are.
            forEachComponent(of: UnsafeBufferPointer(rebasing: sourceBytes[..<(sourceBytes.lastIndex(of: slash) ?? 0)])) { component in
                if !component.isEmpty { append(component) }
                return true
            }
            let inside = forEachComponent(of: targetBytes) { component in
                if component.isEmpty || (component.count == 1 && component[0] == dot) { return true }
                if component.count == 2, component[0] == dot, component[1] == dot {
                    guard length > 0 else { return false }
                    length = buffer[..<length].lastIndex(of: slash) ?? 0
                    return true
                }
                append(component)
                return true
            }
            guard inside else { return nil }
            if asFolder, length > 0 {
                precondition(length < buffer.count, "SitePath.join sized its buffer too small")
                buffer[length] = slash
                length += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
        }
    }

    private static let slash = UInt8(ascii: "/"), dot = UInt8(ascii: "."), hash = UInt8(ascii: "#")

    /// Calls `body` with each `/`-separated component, empty ones included, until it returns false.
    @discardableResult
    private static func forEachComponent(of bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != slash { end += 1 }
            if !body(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return false }
            start = end + 1
        }
        return true
    }
}
