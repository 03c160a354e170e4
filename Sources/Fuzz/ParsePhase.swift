// Arbitrary bytes through loading's UTF-8 check, front matter splitting, YAML decoding, the checks of an item's
// fields against its collection's declaration, Markdown rendering and link resolution.
import SiteGen

/// Two collections with a field of every type: a dated one whose items have no page, and one whose items are
/// titled by another field, numbered and in order of start.
private let collections: Collections = {
    let settings = """
        title: Fuzz
        language: en
        collections:
          notes:
            folder: e
            item_pages: false
            fields:
              title: {type: text, required: true}
              on: {type: date, required: true}
              about: list of page
              people: list of people
              former: list of anchor
              summary: markdown
              count: number
              site: url
            start: on
          people:
            folder: p
            title_field: name
            fields:
              name: {type: text, required: true}
              role: text
              from: date
              to: date
              listed: {type: flag, default: false}
            start: from
            end: to
            lasts_until_next: true
            number: {field: role, starts_with: Head}
        """
    var diagnostics = DiagnosticList()
    let config = SiteConfig.parse(SourceFile(path: "site.yaml", displayPath: "site.yaml", text: settings), displayPath: "site.yaml", into: &diagnostics)
    guard let config, !diagnostics.hasErrors else { fatalError("the fuzz target's declarations do not read: \(diagnostics.items)") }
    return config.collections
}()

private let parser = DocumentParser(
    renderer: MarkdownRenderer(),
    links: LinkResolver(markdownPaths: ["index.md", "a.md", "e/x.md", "p/y.md"], staticFiles: [], collections: collections),
    collections: collections)

func fuzzParse(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    for path in ["page.md", "e/index.md", "e/2001-01-01-e.md", "p/z.md"] {
        let (document, diagnostics) = parser.parse(SourceFile(path: path, displayPath: path, text: text))
        if document == nil && diagnostics.isEmpty { fatalError("neither a document nor a reason for \(path)") }
    }
}
