// The least a generator has to do for the benchmark's pages, as a yardstick for sitegen (see
// BENCHMARKS.md, "The floor"): read each Markdown file and the `title:` of its front matter, render
// the Markdown with cmark-gfm exactly as sitegen does (its options, the per-thread arena, concurrent
// finishing), fill the site's base and page templates with swift-mustache, make the page's folder and
// write its index.html, on every core. No checks, no links rewritten, no heading ids, no staging
// folder: what is left of sitegen's time above this is what its own work costs. With --no-templates
// each page's HTML is cmark's alone, which shows what swift-mustache adds.
//
//   bench-floor [--no-templates] CONTENT TEMPLATES OUTPUT
import CCmarkGFM
import CmarkConcurrency
import Foundation
import Mustache
import SiteGen

struct Text: MustacheCustomRenderable, MustacheParent {
    let string: String
    var renderText: String { string }
    var isNull: Bool { false }
    func child(named name: String) -> Any? { nil }
}

/// `title`, `language`, `main`, `page.title`, `page.body`: what the benchmark's templates show.
struct Values: MustacheParent {
    struct Page: MustacheParent {
        let title: String, body: String
        func child(named name: String) -> Any? {
            switch name {
            case "title": Text(string: title)
            case "body": Text(string: body)
            default: nil
            }
        }
    }
    let title: String, body: String, main: String
    func child(named name: String) -> Any? {
        switch name {
        case "title": Text(string: title)
        case "language": Text(string: "en")
        case "main": Text(string: main)
        case "page": Page(title: title, body: body)
        default: nil
        }
    }
}

/// The front matter's `title:` (quotes removed), and where the Markdown after the front matter starts.
func split(_ bytes: UnsafeBufferPointer<UInt8>) -> (title: String, bodyStart: Int) {
    var title = "", lineStart = 0, inFrontMatter = false
    while lineStart < bytes.count {
        var end = lineStart
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<end])
        if line.elementsEqual("---".utf8) {
            if inFrontMatter { return (title, end + 1) }
            if lineStart == 0 { inFrontMatter = true } else { break }
        } else if inFrontMatter, line.starts(with: "title:".utf8) {
            title = String(decoding: line.dropFirst(6), as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        } else if !inFrontMatter {
            break
        }
        lineStart = end + 1
    }
    return (title, 0)
}

var arguments = Array(CommandLine.arguments.dropFirst())
let noTemplates = arguments.first == "--no-templates"
if noTemplates { arguments.removeFirst() }
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: bench-floor [--no-templates] CONTENT TEMPLATES OUTPUT\n".utf8))
    exit(2)
}
let (content, templateFolder, output) = (arguments[0], arguments[1], arguments[2])
let sources = (FileManager.default.enumerator(atPath: content)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".md") }.sorted()
var library = MustacheLibrary()
for name in ["base", "page"] {
    try library.register(String(contentsOfFile: "\(templateFolder)/\(name).mustache", encoding: .utf8), named: name)
}
let templates = library

let extensions = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"].map { name -> OpaquePointer in
    cmark_gfm_core_extensions_ensure_registered()
    return cmark_find_syntax_extension(name)!
}
let reference = cmark_parser_new(CMARK_OPT_DEFAULT)!
for ext in extensions { cmark_parser_attach_syntax_extension(reference, ext) }
precondition(sitegen_cmark_freeze_special_characters(reference), "concurrent finishing is not available")
let options = CMARK_OPT_DEFAULT | CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES
let parserExtensions = extensions.map { UInt(bitPattern: $0) }  // Sendable

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}
let counter = Counter()
mkdir(output, 0o755)
DispatchQueue.concurrentPerform(iterations: ProcessInfo.processInfo.activeProcessorCount) { _ in
    var buffer = [UInt8](repeating: 0, count: 1 << 22)
    while case let index = counter.next(), index < sources.count {
        let source = sources[index]
        let file = open("\(content)/\(source)", O_RDONLY)
        let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        close(file)
        let html = buffer.withUnsafeBufferPointer { all -> (String, String) in
            let bytes = UnsafeBufferPointer(rebasing: all[..<max(count, 0)])
            let (title, bodyStart) = split(bytes)
            let mark = sitegen_cmark_arena_mark()
            defer { sitegen_cmark_arena_rewind(mark) }
            let parser = cmark_parser_new_with_mem(options, sitegen_cmark_arena())
            for ext in parserExtensions { cmark_parser_attach_syntax_extension(parser, OpaquePointer(bitPattern: ext)) }
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress! + bodyStart, $0.count - bodyStart) }
            let document = sitegen_cmark_parser_finish(parser)
            let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser))!
            return (title, rendered.withMemoryRebound(to: UInt8.self, capacity: 1) {
                String(decodingMostlyASCII: UnsafeBufferPointer(start: $0, count: strlen(rendered)))
            })
        }
        var page = html.1
        if !noTemplates {
            let main = templates.render(Values(title: html.0, body: html.1, main: ""), withTemplate: "page") ?? ""
            page = templates.render(Values(title: html.0, body: html.1, main: main), withTemplate: "base") ?? ""
        }
        // `a/b.md` → a/b/index.html, `index.md` → index.html, as sitegen publishes them.
        var folder = output
        for part in source.dropLast(3).split(separator: "/") where part != "index" {
            folder += "/" + part
            mkdir(folder, 0o755)
        }
        let written = open(folder + "/index.html", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        page.withUTF8 { _ = write(written, $0.baseAddress, $0.count) }
        close(written)
    }
}
