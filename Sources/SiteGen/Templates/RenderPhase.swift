/// The render phase: every file of the site made into bytes on the build's threads, each handed to the
/// sink as soon as it is finished, and every relative link the pages hold checked against the files.
enum RenderPhase {
    /// - Parameter linkable: what links may lead to when `files` are only some of the site's files (a preview
    ///   server renders again only the pages an edit changed): `linkTargets` of all of them.
    ///   A file marked `asPublished` that the sink keeps is neither rendered nor audited: the last build audited
    ///   the same bytes against the same files. `kept` counts them.
    static func render<Sink: SiteSink>(_ files: [OutputFile], linkable: Set<String>? = nil, into sink: Sink, jobs: Int,
                                       diagnostics: inout DiagnosticList) -> (staged: [Sink.Staged], kept: Int) {
        let linkable = linkable ?? linkTargets(files.map(\.path))
        let results = Parallel.map(files, jobs: jobs) { [linkable] file -> (staged: Sink.Staged?, broken: [String], problem: Diagnostic?, emptyLayout: String?, kept: Bool) in
            if file.asPublished, let kept = sink.keep(file.path) { return (kept, [], nil, nil, true) }
            let bytes: [UInt8]
            do {
                bytes = try file.bytes()
            } catch let empty as EmptyLayout {
                return (nil, [], nil, empty.template, false)
            } catch {
                return (nil, [], .error(file.origin ?? file.path, "\(error)"), nil, false)
            }
            // The audit: only broken targets come back.
            let broken = file.path.hasSuffix(".html")
                ? bytes.withUnsafeBufferPointer { LinkAudit.relativeTargets(in: $0, pagePath: file.path) }.filter { !linkable.contains($0) }
                : []
            do {
                return (try sink.stage(RenderedFile(path: file.path, bytes: bytes, origin: file.origin)), broken, nil, nil, false)
            } catch {
                return (nil, broken, .error(file.origin ?? file.path, "could not write \(file.path): \(error)"), nil, false)
            }
        }
        var staged: [Sink.Staged] = []
        staged.reserveCapacity(results.count)
        // A layout that renders nothing does so for every page of its kind: one error per layout.
        var emptyPages: [String: [String]] = [:]
        var kept = 0
        for (file, result) in zip(files, results) {
            if result.kept { kept += 1 }
            if let problem = result.problem { diagnostics.append(problem) }
            if let one = result.staged { staged.append(one) }
            if let template = result.emptyLayout { emptyPages[template, default: []].append(file.origin ?? file.path) }
        }
        for (template, pages) in emptyPages.sorted(by: { $0.key < $1.key }) {
            let others = pages.count > 2 ? " and \(pages.count - 1) other pages" : pages.count == 2 ? " and 1 other page" : ""
            diagnostics.append(.error(template, "this layout renders nothing for \(pages.sorted()[0])\(others): a page with no content is not published; check the layout's sections and the names they test"))
        }
        diagnostics.append(contentsOf: LinkAudit.diagnostics(files: files, brokenTargets: results.map(\.broken)))
        return (staged, kept)
    }

    /// What a link may name: a file, or a page's folder (`history/`, `` for the root).
    static func linkTargets(_ paths: [String]) -> Set<String> {
        var linkable = Set(paths)
        for path in paths where path == "index.html" || path.utf8.suffix(11).elementsEqual("/index.html".utf8) {
            linkable.insert(String(path.utf8.dropLast(10))!)
        }
        return linkable
    }
}
