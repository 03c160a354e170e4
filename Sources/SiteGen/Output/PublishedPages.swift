/// What a rebuild may keep of the published site without rendering it again, when an editor changed only
/// Markdown pages: the same rule as the preview server's (`LiveSite`), across processes. Every page is still
/// read, parsed and resolved, so every check and diagnostic is the full build's; a page's output is made from
/// its own document, what the other pages look like to it (`DocumentFace`), the set of files, the settings,
/// the templates and the executable. When all but the edited documents are as recorded, and each edited
/// one still looks the same to the others, only the pages showing an edited document can come out
/// different (`Site.pagesShowing`); the others' published files, unchanged since the record was made, are
/// already what this build would write.
///
/// Anything else (a template, the settings or a static file changed, a file came or went, a published file
/// was touched, an edited page's title, anchors, dates or kind changed) means a full render.
struct PublishedPages: Sendable {
    /// Markdown pages (paths inside the content folder) not as recorded: edited, or too fresh to tell.
    let edited: [String]
    /// What other pages saw of each page at the last build (`DocumentFace.digest`).
    let recordedFaces: [String: String]
    /// What each page read of other documents' text when it was last rendered.
    let recordedTextReads: [String: Set<String>]

    /// nil unless only Markdown pages changed since `record` was made and the published files are as it
    /// left them (`publishedOutputs`, their identities now).
    init?(record: InputRecord, inputs: InputRecord.Inputs, publishedOutputs: String?) {
        guard let publishedOutputs, publishedOutputs == record.outputs,
              inputs.options == record.inputs.options, inputs.executable != nil, inputs.executable == record.inputs.executable,
              inputs.templates.isExactly(record.inputs.templates),
              inputs.content.paths == record.inputs.content.paths else { return nil }
        let edited = inputs.content.paths.filter { !inputs.content.isUnchanged($0, since: record.inputs.content) }
        // The settings and static files are not pages: a change to one is a full render.
        guard edited.allSatisfy({ $0.utf8.suffix(3).elementsEqual(".md".utf8) && record.faces[$0] != nil }) else { return nil }
        self.edited = edited.sorted()
        recordedFaces = record.faces
        recordedTextReads = record.textReads
    }

    /// The output paths of the pages that stay as published; nil when an edited document looks different to
    /// the other pages now (`faces`: every document's face now, by path), and every page must be rendered.
    func unchangedOutputs(of site: Site, documents: [Document], faces: [String: String]) -> Set<String>? {
        var changed: [Document] = []
        let documentsByPath = Dictionary(documents.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for path in edited {
            guard let document = documentsByPath[path], let face = faces[path], face == recordedFaces[path] else { return nil }
            changed.append(document)
        }
        let rendered = Set(site.pagesShowing(changed, readers: TextReads.readers(recordedTextReads)).map(\.path))
        return Set(site.pages.lazy.filter { !rendered.contains($0.path) }.map(SiteRenderer.outputPath(of:)))
    }
}
