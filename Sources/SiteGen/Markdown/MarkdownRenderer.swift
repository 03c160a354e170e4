import CCmarkGFM
import CmarkConcurrency
import Foundation

/// The one wrapper over cmark-gfm's C API: Markdown in, HTML with headings and links out.
///
/// Safe to use from many threads at once (see `CmarkRuntime`).
public struct MarkdownRenderer: Sendable {
    public let options: MarkdownOptions
    private let cmarkOptions: Int32
    /// Documents up to this many bytes are parsed in the thread's arena (`CmarkArena.c`), larger ones with
    /// cmark's own allocator. The arena never reuses what cmark frees while it parses (each paragraph's
    /// buffers, every step of a growing HTML buffer), which is what makes it fast for a page, and what made a
    /// 50 MB page take more than twice the memory cmark itself needs; freed as it goes, that page stays
    /// within a few times its size.
    let arenaLimit: Int
    static let defaultArenaLimit = 1 << 22

    public init(options: MarkdownOptions = .site) {
        self.init(options: options, arenaLimit: Self.defaultArenaLimit)
    }

    init(options: MarkdownOptions, arenaLimit: Int) {
        self.arenaLimit = arenaLimit
        CmarkRuntime.prepare()
        for name in options.extensions where CmarkRuntime.extensions[name] == nil {
            preconditionFailure("unknown cmark-gfm extension \(name)")
        }
        self.options = options
        var bits = CMARK_OPT_DEFAULT
        if options.smartPunctuation { bits |= CMARK_OPT_SMART }
        if options.footnotes { bits |= CMARK_OPT_FOOTNOTES }
        if options.unsafeHTML { bits |= CMARK_OPT_UNSAFE }
        self.cmarkOptions = bits
    }

    /// How cmark-gfm's parsers finish in this process (see `CmarkRuntime.concurrentFinish`).
    public enum FinishPath: Sendable, CustomStringConvertible {
        case concurrent, serialAsked, serialFallback

        public var description: String {
            switch self {
            case .concurrent: "concurrently"
            case .serialAsked: "one at a time (SITEGEN_CMARK_SERIAL is set)"
            case .serialFallback: "one at a time (the replacement of cmark's special-character function is not reached)"
            }
        }
    }

    public static var finishPath: FinishPath {
        CmarkRuntime.prepare()
        return CmarkRuntime.finishPath
    }

    /// Renders `markdown`.
    /// - Parameters:
    ///   - lineOffset: added to every reported line, for Markdown that starts below front matter.
    ///   - rewriteLink: given each link destination as written, returns the one to emit (nil keeps it).
    public func render(
        _ markdown: String,
        lineOffset: Int = 0,
        rewriteLink: ((LinkReference) -> String?)? = nil
    ) -> RenderedMarkdown {
        var slugger = HeadingSlugger()
        // A large page is parsed a part at a time where that gives exactly the same HTML (`MarkdownParts`): cmark's
        // tree of a whole page of short lines, links or table cells takes 40 to 90 times its size.
        if markdown.utf8.count > arenaLimit, let parts = MarkdownParts.split(markdown, size: max(arenaLimit / 4, 1)), parts.count > 1 {
            var whole = RenderedMarkdown(html: "", headings: [], links: [])
            for part in parts {
                let partOffset = lineOffset + part.firstLine - 1
                let rendered = renderWhole(String(part.text), lineOffset: partOffset, rewriteLink: rewriteLink, slugger: &slugger)
                whole.html += rendered.html
                whole.headings += rendered.headings
                // A link cmark gives no line (some of the autolink extension's: line 0) is at the offset itself,
                // the document's when it is rendered whole.
                whole.links += rendered.links.map { link in
                    var link = link
                    if link.location.line == partOffset { link.location.line = lineOffset }
                    return link
                }
            }
            return whole
        }
        return renderWhole(markdown, lineOffset: lineOffset, rewriteLink: rewriteLink, slugger: &slugger)
    }

    /// Renders `markdown` as one cmark document; heading ids continue from `slugger`.
    private func renderWhole(
        _ markdown: String, lineOffset: Int, rewriteLink: ((LinkReference) -> String?)?, slugger: inout HeadingSlugger
    ) -> RenderedMarkdown {
        // The parser, the tree and cmark's HTML come from this thread's arena and are all released
        // here at once, instead of node by node (see CmarkArena.c); a large document's are freed as cmark goes.
        let memory = CmarkMemory(arena: markdown.utf8.count <= arenaLimit)
        let arenaMark = sitegen_cmark_arena_mark()
        defer { if memory.isArena { sitegen_cmark_arena_rewind(arenaMark) } }
        guard let parser = cmark_parser_new_with_mem(cmarkOptions, memory.allocator) else { preconditionFailure("cmark_parser_new failed") }
        defer { if !memory.isArena { cmark_parser_free(parser) } }
        for name in options.extensions {
            cmark_parser_attach_syntax_extension(parser, CmarkRuntime.extensions[name])
        }
        var markdown = markdown
        let (document, walk) = markdown.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
            guard let document = sitegen_cmark_parser_finish(parser) else { preconditionFailure("cmark_parser_finish failed") }
            var walk = DocumentWalk(lineOffset: lineOffset, keepsRawHTML: options.unsafeHTML, rewriteLink: rewriteLink)
            SourceColumns.reading(bytes) { walk.visit(document, columns: &$0) }
            return (document, walk)
        }
        defer { if !memory.isArena { cmark_node_free(document) } }
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard options.headingIDs, !walk.headingNodes.isEmpty else {
            return RenderedMarkdown(html: renderHTML(document, extensions, memory), headings: [], links: walk.links)
        }
        let headings = Self.headingIDs(walk.headingNodes, slugger: &slugger)
        // Fast path: when no raw HTML could hold a heading tag, every `<hN>` cmark writes is one of
        // the document's headings, in order, and the ids go straight into the HTML.
        if !walk.rawHTMLMayHoldHeading,
           let withIDs = withHTML(document, extensions, memory, { Self.insertingIDs(headings, into: $0) }) {
            return RenderedMarkdown(html: withIDs, headings: headings, links: walk.links)
        }
        assignHeadingIDs(walk.headingNodes, ids: headings, extensions: extensions, memory: memory)
        return RenderedMarkdown(html: renderHTML(document, extensions, memory), headings: headings, links: walk.links)
    }

    private func renderHTML(_ document: OpaquePointer, _ extensions: UnsafeMutablePointer<cmark_llist>?, _ memory: CmarkMemory) -> String {
        withHTML(document, extensions, memory, String.init(decodingMostlyASCII:))
    }

    /// cmark's HTML as bytes, for the time of `body`: making a String checks every byte, so it is done once.
    private func withHTML<T>(_ document: OpaquePointer, _ extensions: UnsafeMutablePointer<cmark_llist>?, _ memory: CmarkMemory,
                             _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard let html = cmark_render_html(document, cmarkOptions, extensions) else {
            preconditionFailure("cmark_render_html failed")
        }
        defer { memory.release(html) }
        let length = strlen(html)
        return html.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            body(UnsafeBufferPointer(start: bytes, count: length))
        }
    }

    static func headingIDs(_ nodes: [(node: OpaquePointer, level: Int, text: String)], slugger: inout HeadingSlugger) -> [Heading] {
        nodes.map { Heading(level: $0.level, text: $0.text, id: slugger.uniqueID(for: $0.text)) }
    }

    /// Puts ` id="…"` into each `<hN>` opening tag, in order; nil unless the tags and headings match exactly.
    ///
    /// cmark starts every block on a line of its own, so only line starts are looked at: a page's HTML
    /// has half as many lines as `<`s, and a search for the next newline skips the text between them.
    static func insertingIDs(_ headings: [Heading], into bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + headings.count * 32)
        var copied = 0, next = 0, lineStart = 0
        while true {
            // `<h1>` … `<h6>`; `<hr />` and `<html>` do not match.
            if lineStart + 3 < bytes.count, base[lineStart] == UInt8(ascii: "<"), base[lineStart + 1] == UInt8(ascii: "h"),
               base[lineStart + 3] == UInt8(ascii: ">"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(base[lineStart + 2]) {
                guard next < headings.count, Int(base[lineStart + 2] - UInt8(ascii: "0")) == headings[next].level else { return nil }
                let tagEnd = lineStart + 3
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<tagEnd]))
                for byte in " id=\"".utf8 { output.append(byte) }
                output.append(contentsOf: headings[next].id.htmlEscaped.utf8)
                output.append(UInt8(ascii: "\""))
                copied = tagEnd
                next += 1
            }
            guard lineStart < bytes.count,
                  let newline = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), bytes.count - lineStart) else { break }
            lineStart = UnsafeRawPointer(newline).assumingMemoryBound(to: UInt8.self) - base + 1
        }
        guard next == headings.count else { return nil }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return output.withUnsafeBufferPointer(String.init(decodingMostlyASCII:))
    }

    /// The general way: replaces each heading by a custom block holding the same HTML plus an `id`.
    ///
    /// cmark-gfm's HTML renderer has no attribute hook, and a custom block cannot hold inlines, so
    /// the heading is rendered on its own (`<hN>…</hN>`), the id is put into its opening tag, and a
    /// custom block whose enter string is that HTML takes its place: cmark writes it as it is.
    private func assignHeadingIDs(
        _ nodes: [(node: OpaquePointer, level: Int, text: String)], ids: [Heading], extensions: UnsafeMutablePointer<cmark_llist>?,
        memory: CmarkMemory
    ) {
        for ((node, level, _), heading) in zip(nodes, ids) {
            let id = heading.id
            guard let rendered = cmark_render_html(node, cmarkOptions, extensions) else { continue }
            let html = String(cString: rendered)
            memory.release(rendered)
            let openTag = "<h\(level)>"
            guard html.hasPrefix(openTag), let block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, memory.allocator) else { continue }
            let withID = "<h\(level) id=\"\(id.htmlEscaped)\">" + html.dropFirst(openTag.count).dropLast()
            cmark_node_set_on_enter(block, withID)
            cmark_node_set_on_exit(block, "")
            cmark_node_insert_before(node, block)
            cmark_node_free(node)
        }
    }
}

/// Where one document's parser, tree and HTML are allocated: the thread's arena, released at once by a
/// rewind, or cmark's own allocator, each freed by its owner.
private struct CmarkMemory {
    let isArena: Bool
    let allocator: UnsafeMutablePointer<cmark_mem>

    init(arena: Bool) {
        isArena = arena
        allocator = arena ? sitegen_cmark_arena() : cmark_get_default_mem_allocator()
    }

    /// Frees what cmark returned (its HTML); the arena's is released by the rewind.
    func release(_ pointer: UnsafeMutablePointer<CChar>) {
        if !isArena { allocator.pointee.free(pointer) }
    }
}

/// One walk over the AST with cmark's iterator: collects headings and links, rewrites destinations.
private struct DocumentWalk {
    let lineOffset: Int
    let rewriteLink: ((LinkReference) -> String?)?
    var links: [LinkReference] = []
    var headingNodes: [(node: OpaquePointer, level: Int, text: String)] = []
    /// Raw HTML passed through (unsafe mode) that contains `<h`, which could look like a heading tag.
    var rawHTMLMayHoldHeading = false

    let keepsRawHTML: Bool

    init(lineOffset: Int, keepsRawHTML: Bool, rewriteLink: ((LinkReference) -> String?)?) {
        self.lineOffset = lineOffset
        self.keepsRawHTML = keepsRawHTML
        self.rewriteLink = rewriteLink
        links.reserveCapacity(16)  // a typical page's: growing an array copies it
    }

    /// `columns` turns cmark's byte columns of links into character columns.
    mutating func visit(_ document: OpaquePointer, columns: inout SourceColumns) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        var headingText: String? = nil
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            switch (type, event) {
            case (CMARK_NODE_HEADING, CMARK_EVENT_ENTER):
                headingText = ""
            case (CMARK_NODE_HEADING, CMARK_EVENT_EXIT):
                headingNodes.append((node, Int(cmark_node_get_heading_level(node)), headingText ?? ""))
                headingText = nil
            case (CMARK_NODE_TEXT, _), (CMARK_NODE_CODE, _):
                if headingText != nil, let literal = cmark_node_get_literal(node) {
                    headingText! += String(cString: literal)
                }
            case (CMARK_NODE_HTML_BLOCK, _), (CMARK_NODE_HTML_INLINE, _):
                // Safe mode writes a placeholder instead of raw HTML, so only unsafe mode needs a look.
                if keepsRawHTML, let literal = cmark_node_get_literal(node), String(cString: literal).lowercased().contains("<h") {
                    rawHTMLMayHoldHeading = true
                }
            case (CMARK_NODE_LINK, CMARK_EVENT_ENTER), (CMARK_NODE_IMAGE, CMARK_EVENT_ENTER):
                visitLink(node, isImage: type == CMARK_NODE_IMAGE, columns: &columns)
            default:
                break
            }
        }
    }

    private mutating func visitLink(_ node: OpaquePointer, isImage: Bool, columns: inout SourceColumns) {
        let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
        let line = Int(cmark_node_get_start_line(node))
        let location = SourceLocation(
            line: line + lineOffset,
            column: columns.characterColumn(line: line, byteColumn: Int(cmark_node_get_start_column(node)))
        )
        let reference = LinkReference(destination: destination, location: location, isImage: isImage)
        links.append(reference)
        if let rewritten = rewriteLink?(reference), rewritten != destination {
            // withCString reads a native String's own NUL-terminated bytes; passing the String as the
            // argument made an array copy of it for every link.
            _ = rewritten.withCString { cmark_node_set_url(node, $0) }
        }
    }
}

/// Columns as sitegen reports them everywhere, in characters (Unicode scalars, as libyaml counts),
/// from cmark's, which are bytes: on a line with `é` or `日本` before a link they differ.
///
/// It borrows the Markdown's bytes, so it exists only inside `reading(_:_:)`: it cannot be made elsewhere,
/// and being noncopyable, the `inout` one lent to the body cannot be copied out of it.
struct SourceColumns: ~Copyable {
    /// The Markdown cmark was given.
    private let text: UnsafeBufferPointer<UInt8>
    /// Where each line starts, made at the first link after a byte that is not ASCII.
    private var lineStarts: [Int] = []
    private var isASCII: Bool?

    private init(text: UnsafeBufferPointer<UInt8>) { self.text = text }

    /// Lends `body` the columns of `text` for as long as the caller lends `text`.
    static func reading<Result>(_ text: UnsafeBufferPointer<UInt8>, _ body: (inout SourceColumns) -> Result) -> Result {
        var columns = SourceColumns(text: text)
        return body(&columns)
    }

    mutating func characterColumn(line: Int, byteColumn: Int) -> Int {
        if isASCII == nil { isASCII = String.asciiPrefixCount(text) == text.count }
        guard isASCII == false, line >= 1, byteColumn > 1, let base = text.baseAddress else { return byteColumn }
        if lineStarts.isEmpty {
            lineStarts.append(0)
            var next = 0
            while next < text.count, let newline = memchr(base + next, Int32(UInt8(ascii: "\n")), text.count - next) {
                next = UnsafeRawPointer(newline).assumingMemoryBound(to: UInt8.self) - base + 1
                lineStarts.append(next)
            }
        }
        guard line <= lineStarts.count else { return byteColumn }
        let start = lineStarts[line - 1], end = min(start + byteColumn - 1, text.count)
        guard start < end else { return byteColumn }
        // A character's bytes after its first are 10xxxxxx.
        var continuation = 0
        for byte in UnsafeBufferPointer(rebasing: text[start..<end]) where byte & 0xC0 == 0x80 { continuation += 1 }
        return byteColumn - continuation
    }
}
