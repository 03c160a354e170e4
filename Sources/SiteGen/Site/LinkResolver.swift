import Foundation

/// What a link destination written in Markdown points at.
public enum LinkTarget: Sendable, Equatable {
    /// Another site (`https://…`, `mailto:…`): left as written.
    case external
    /// A heading or note of the page holding the link (`#term`).
    case sameDocument(fragment: String)
    /// A content file by source path (`history.md#cold-war`, `../people/dean.md`, `/people/dean.md`).
    case content(path: String, fragment: String?)
    /// A destination sitegen cannot use, with what to write instead.
    case invalid(String)
}

/// Maps source paths to output URLs, for rewriting and checking links between pages.
public struct LinkResolver: Sendable {
    /// Every content path that becomes something linkable, with its URL (an item without a page of its own:
    /// its anchor on its folder's page).
    public let urls: [String: String]
    /// Static files of `content/`, copied as they are.
    public let staticFiles: Set<String>

    public init(markdownPaths: [String], staticFiles: [String], collections: Collections = .none) {
        // Sized up front: grown from empty, it moved every key to a new table at each of a dozen resizes.
        var urls = [String: String](minimumCapacity: markdownPaths.count)
        for path in markdownPaths {
            let holder = collections.holder(of: path)
            urls[path] = holder.anchor.map { holder.url + "#" + $0 } ?? holder.url
        }
        self.urls = urls
        self.staticFiles = Set(staticFiles)
    }

    public func target(of destination: String, from sourcePath: String) -> LinkTarget {
        // Looked at as bytes once: this runs for every link of every page.
        enum Shape { case empty, fragment, external, path(String, fragment: String?, percent: Bool, rooted: Bool, markdown: Bool) }
        var bytesOf = destination
        let shape = bytesOf.withUTF8 { bytes -> Shape in
            guard let first = bytes.first else { return .empty }
            if first == UInt8(ascii: "#") { return .fragment }
            if bytes.starts(with: "//".utf8) || Self.hasScheme(bytes) { return .external }
            // `/a/b.md` is a source path from the content folder (like Zola's `@/a/b.md`); it is written
            // out relative like any other, so the site still works under a subpath.
            let rooted = first == UInt8(ascii: "/")
            let path = UnsafeBufferPointer(rebasing: bytes[(rooted ? 1 : 0)...])
            let hash = path.firstIndex(of: UInt8(ascii: "#"))
            let file = UnsafeBufferPointer(rebasing: path[..<(hash ?? path.endIndex)])
            return .path(String(decoding: file, as: UTF8.self),
                         fragment: hash.map { String(decoding: path[($0 + 1)...], as: UTF8.self) },
                         percent: file.contains(UInt8(ascii: "%")), rooted: rooted, markdown: Self.endsInMarkdownExtension(file))
        }
        let fragment: String?, decoded: String, rooted: Bool, markdown: Bool
        switch shape {
        case .empty: return .invalid("link has no destination")
        case .fragment: return .sameDocument(fragment: String(destination.dropFirst()))
        case .external: return .external
        case .path(let path, let hashFragment, let percent, let isRooted, let isMarkdown):
            fragment = hashFragment
            decoded = percent ? (path.removingPercentEncoding ?? path) : path
            rooted = isRooted
            var decodedBytes = decoded
            markdown = percent ? decodedBytes.withUTF8(Self.endsInMarkdownExtension) : isMarkdown
        }
        guard let joined = SitePath.join(sourcePath: rooted ? "" : sourcePath, decoded) else {
            return .invalid("link \(destination) leads outside the content folder")
        }
        if markdown || staticFiles.contains(joined) {
            return .content(path: joined, fragment: fragment)
        }
        let name = decoded.split(separator: "/").last.map(String.init) ?? ""
        if name.contains("."), !decoded.hasSuffix("/") {
            return .invalid("link to \(joined), which does not exist in the content folder")
        }
        let hint: String, written = (rooted ? "/" : "") + decoded
        if decoded.hasSuffix("/") || decoded.isEmpty {
            hint = "link to a page by its source file, e.g. \(written)index.md"
        } else {
            hint = "link to a page by its source file, e.g. \(written).md"
        }
        return .invalid("link \(destination) is not a content file; \(hint)")
    }

    /// `….md`, compared byte by byte (a generic comparison with `".md".utf8` cost hundreds of instructions).
    static func endsInMarkdownExtension(_ file: UnsafeBufferPointer<UInt8>) -> Bool {
        file.count >= 3 && file[file.count - 3] == UInt8(ascii: ".") && file[file.count - 2] == UInt8(ascii: "m")
            && file[file.count - 1] == UInt8(ascii: "d")
    }

    /// `https:`, `mailto:`…: a letter, then letters, digits, `+`, `.` or `-`, then a colon (RFC 3986).
    static func hasScheme(_ destination: some Sequence<UInt8>) -> Bool {
        var bytes = destination.makeIterator()
        guard let first = bytes.next(), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20) else { return false }
        while let byte = bytes.next() {
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

    /// The destination to write in the page at `holderURL`, or nil to keep it as written.
    public func rewrite(_ destination: String, from sourcePath: String, holderURL: String) -> String? {
        rewrite(target(of: destination, from: sourcePath), holderURL: holderURL)
    }

    /// The URL of an already resolved target, relative to the page at `holderURL`; nil keeps the destination.
    public func rewrite(_ target: LinkTarget, holderURL: String) -> String? {
        guard case .content(let path, let fragment) = target else { return nil }
        if var url = urls[path] {
            var relative: String
            // Only the URL of an item without a page has a fragment: its anchor on its folder's page.
            if let hash = url.withUTF8({ $0.firstIndex(of: UInt8(ascii: "#")) }) {
                let hashIndex = url.utf8.index(url.startIndex, offsetBy: hash)
                let page = String(url[..<hashIndex])
                relative = (page == holderURL ? "" : SitePath.relative(from: holderURL, to: page)) + url[hashIndex...]
            } else {
                relative = SitePath.relative(from: holderURL, to: url, fragment: fragment)
            }
            return relative
        }
        if staticFiles.contains(path) {
            return SitePath.relative(from: holderURL, to: path, fragment: fragment)
        }
        return nil
    }
}
