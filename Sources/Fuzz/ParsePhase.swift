// Arbitrary bytes through loading's UTF-8 check, front matter splitting, YAML decoding, Markdown rendering
// and link resolution.
import SiteGen

private let parser = DocumentParser(
    renderer: MarkdownRenderer(),
    links: LinkResolver(markdownPaths: ["index.md", "a.md", "timeline/x.md", "ambassadors/y.md"], staticFiles: []))

func fuzzParse(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    for path in ["page.md", "timeline/e.md", "ambassadors/z.md"] {
        let (document, diagnostics) = parser.parse(SourceFile(path: path, displayPath: path, text: text))
        if document == nil && diagnostics.isEmpty { fatalError("neither a document nor a reason for \(path)") }
    }
}
