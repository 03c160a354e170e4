import Foundation

/// The Mustache templates of `templates/`, parsed and checked, each usable as a layout or a partial.
public struct TemplateSet: Sendable {
    private let templates: [String: MustacheTemplate]
    public let names: Set<String>
    /// Where each template came from, for diagnostics.
    public let displayPaths: [String: String]

    public static let fileExtension = "mustache"
    /// The layout every page is wrapped in.
    public static let baseLayout = "base"
    /// The not-found page's layout, inside the base layout.
    public static let notFoundLayout = "404"
    /// The not-found layout when `templates/` has none (a site needs a 404 page; Zola also ships one).
    static let builtInNotFound = """
        <h1>Page not found</h1>
        <p>There is no page at this address. Start again from the <a href="{{root}}">home page</a>.</p>

        """

    /// Why the template at `path` is not read, when it is a symbolic link that does not lead to a file inside
    /// the templates folder: naming the link and where it leads, never what is there (a template is quoted in
    /// errors and published in every page). nil for a plain file or a link to one inside the folder.
    static func linkProblem(_ path: String, folderReal: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return nil }
        let written = ContentLoader.linkTarget(path) ?? "?"
        guard stat(path, &status) == 0 else {
            return errno == ELOOP ? "is a symbolic link to \(written) that leads back to itself (a loop); sitegen does not follow it"
                : "is a symbolic link to \(written), which does not exist"
        }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard real.hasPrefix(folderReal + "/") else {
            return "is a symbolic link to \(written), outside the templates folder; sitegen does not follow it: copy the file in instead"
        }
        return nil
    }

    /// Loads every `*.mustache` file; a syntax error or a partial that does not exist is reported
    /// with the template's file, line and column.
    public static func load(directory: URL, displayRoot: String, diagnostics: inout DiagnosticList) -> TemplateSet? {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else {
            diagnostics.append(.error(displayRoot, "templates folder not found; pass --templates DIR"))
            return nil
        }
        let directoryReal = directory.resolvingSymlinksInPath().path
        var templates: [String: MustacheTemplate] = [:]
        var paths: [String: String] = [:]
        var failed = false
        for file in names.sorted() where file.hasSuffix("." + fileExtension) {
            let name = String(file.dropLast(fileExtension.count + 1))
            let shown = (displayRoot.hasSuffix("/") ? displayRoot : displayRoot + "/") + file
            paths[name] = shown
            let path = directory.path + "/" + file
            if let problem = Self.linkProblem(path, folderReal: directoryReal) {
                diagnostics.append(.error(shown, "\(shown) \(problem)"))
                failed = true
                continue
            }
            // Read without blocking and only if a regular file: a named pipe here would wait for a writer.
            // A link (checked above to lead to a file inside the folder) is read by its real path; neither is
            // read through a link that appeared since.
            var status = stat()
            let isLink = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
            let readPath = isLink ? URL(fileURLWithPath: path).resolvingSymlinksInPath().path : path
            guard let bytes = ContentLoader.readBytes(readPath, followingLink: false), var text = String(validating: bytes, as: UTF8.self) else {
                diagnostics.append(.error(shown, "template cannot be read as UTF-8 text"))
                failed = true
                continue
            }
            if let (replaced, locations) = ForbiddenCharacters.replaced(in: text) {
                text = replaced
                diagnostics.append(contentsOf: ForbiddenCharacters.warnings(locations, path: shown))
            }
            do {
                templates[name] = try MustacheTemplate(parsing: text)
            } catch {
                diagnostics.append(.error(shown, line: error.location.line, column: error.location.column, "template syntax error: \(error.message)"))
                failed = true
            }
        }
        for (name, template) in templates.sorted(by: { $0.key < $1.key }) {
            for (partial, location) in template.partialReferences where paths[partial] == nil {
                diagnostics.append(.error(paths[name]!, line: location.line, column: location.column,
                                          "partial `\(partial)` does not exist: create templates/\(partial).\(fileExtension)"))
                failed = true
            }
        }
        // A partial that includes itself, directly or through others, would recurse until the stack overflows.
        let includes = templates.mapValues { Set($0.partialReferences.map(\.name)) }
        for name in includes.keys.sorted() {
            var path = [name]
            if let cycle = findCycle(from: name, includes: includes, path: &path) {
                // Reported at the tag in the loop's first template that starts it.
                let tag = templates[cycle[0]]?.partialReferences.first { $0.name == cycle[1] }?.location ?? SourceLocation(line: 1, column: 1)
                diagnostics.append(.error(paths[cycle[0]]!, line: tag.line, column: tag.column,
                                          "partials include each other in a loop: \(cycle.joined(separator: " → "))"))
                failed = true
                break
            }
        }
        if paths[baseLayout] == nil {
            diagnostics.append(.error(displayRoot, "missing template \(baseLayout).\(fileExtension), the layout every page is rendered in"))
            failed = true
        }
        if templates[notFoundLayout] == nil, paths[notFoundLayout] == nil {
            templates[notFoundLayout] = try! MustacheTemplate(parsing: builtInNotFound)
        }
        if failed { return nil }
        return TemplateSet(templates: templates, names: Set(templates.keys), displayPaths: paths)
    }

    /// Warns about every name of the templates that no page's values can provide, with the site's collections
    /// (their fields and relations are names too): once the settings are read.
    public func checkNames(collections: Collections, into diagnostics: inout DiagnosticList) {
        TemplateSchema.check(templates, displayPaths: displayPaths, collections: collections, into: &diagnostics)
    }

    /// The ids written as they are in a layout, the partials it includes and the base layout (`id="main"`):
    /// every page of that layout has them, so links may point at them. An id made of a name (`id="{{id}}"`)
    /// is not one of them: the pages that list items know those.
    public func ids(ofLayout name: String) -> Set<String> {
        var ids: Set<String> = []
        var seen: Set<String> = []
        func walk(_ template: String) {
            guard seen.insert(template).inserted, let nodes = templates[template]?.nodes else { return }
            walk(nodes)
        }
        func walk(_ nodes: [MustacheNode]) {
            for node in nodes {
                switch node {
                case .text(let bytes): Self.literalIDs(in: bytes, into: &ids)
                case .section(_, _, let children): walk(children)
                case .partial(let partial, _, _): walk(partial)
                case .variable: break
                }
            }
        }
        walk(name)
        walk(Self.baseLayout)
        return ids
    }

    /// Each `id="…"` of a piece of template text whose value is there whole.
    static func literalIDs(in bytes: [UInt8], into ids: inout Set<String>) {
        let marker = Array(" id=\"".utf8)
        var index = 0
        while index + marker.count <= bytes.count {
            guard bytes[index..<(index + marker.count)].elementsEqual(marker) else { index += 1; continue }
            let start = index + marker.count
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return }
            if end > start { ids.insert(String(decoding: bytes[start..<end], as: UTF8.self)) }
            index = end
        }
    }

    /// A chain of partials from `name` back to a template already on `path`, if any.
    private static func findCycle(from name: String, includes: [String: Set<String>], path: inout [String]) -> [String]? {
        for next in (includes[name] ?? []).sorted() {
            if let start = path.firstIndex(of: next) { return Array(path[start...]) + [next] }
            path.append(next)
            if let cycle = findCycle(from: next, includes: includes, path: &path) { return cycle }
            path.removeLast()
        }
        return nil
    }

    /// Renders `context` with the template `name` into bytes; nothing for a template that does not exist
    /// (layouts are checked before rendering: `SiteRenderer.checkLayouts`).
    func render(_ context: TemplateValue, template name: String, capacity: Int = 4096) -> [UInt8] {
        guard let template = templates[name] else { return [] }
        var renderer = MustacheRenderer(partials: templates, capacity: capacity)
        renderer.render(template, context: context)
        return renderer.output
    }
}
