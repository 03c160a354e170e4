/// What a rebuild may keep of the published site without rendering it again, when an editor changed only
/// Markdown pages: the same planner as the preview server's (`RenderPlan`), across processes. Every page is
/// still resolved, so every check and diagnostic is the full build's; a page's output is made from what its
/// templates read (`RenderContext`), the settings, the templates and the executable. When those are as
/// recorded, a page whose every read has the digest it had (`ReadDigests`) would be rendered to the bytes
/// already published, which were not touched since the record was made.
///
/// Anything else (a template, the settings or a static file changed or came or went, a published file was
/// touched) means a full render.
struct PublishedPages: Sendable {
    /// What a page could read of each document and collection at the last build.
    let recordedDigests: ReadDigests
    /// What each page read when it was last rendered.
    let recordedReads: [String: RecordedReads]

    /// nil unless only Markdown pages changed, came or went since `record` was made and the published files are
    /// as it left them (`publishedOutputs`, their identities now).
    init?(record: InputRecord, inputs: InputRecord.Inputs, publishedOutputs: String?, jobs: Int = 1) {
        guard let publishedOutputs, publishedOutputs == record.outputs,
              inputs.options == record.inputs.options, inputs.executable != nil, inputs.executable == record.inputs.executable,
              inputs.templates.isExactly(record.inputs.templates), let record = record.planned(jobs: jobs) else { return nil }
        // The settings and static files are not pages: a change to one (or one that came or went) is a full render.
        let now = inputs.content, before = record.inputs.content
        func isPage(_ path: String) -> Bool { path.utf8.suffix(3).elementsEqual(".md".utf8) }
        guard now.changing.allSatisfy(isPage), before.changing.allSatisfy(isPage),
              now.settled.allSatisfy({ path, identity in before.settled[path] == identity || isPage(path) }),
              before.settled.keys.allSatisfy({ now.settled[$0] != nil || isPage($0) }) else { return nil }
        recordedDigests = record.digests
        recordedReads = record.recordedReads
    }

    /// The output paths of the pages that stay as published (`digests`: what pages can read now).
    func unchangedOutputs(of site: Site, digests: ReadDigests) -> Set<String> {
        let render = RenderPlan.pagesToRender(site.pages, reads: recordedReads, before: recordedDigests, now: digests)
        return Set(site.pages.lazy.filter { !render.contains($0.path) }.map(SiteRenderer.outputPath(of:)))
    }
}
