import Foundation
import Mustache

/// The Mustache templates of `templates/`, parsed and checked, each usable as a layout or a partial.
public struct TemplateSet: Sendable {
    private let library: MustacheLibrary
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

    /// Loads every `*.mustache` file; a syntax error or a partial that does not exist is reported
    /// with the template's file, line and column.
    public static func load(directory: URL, displayRoot: String, diagnostics: inout DiagnosticList) -> TemplateSet? {
        SiteHTML.register()
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else {
            diagnostics.append(.error(displayRoot, "templates folder not found; pass --templates DIR"))
            return nil
        }
        var library = MustacheLibrary()
        var texts: [String: String] = [:]
        var paths: [String: String] = [:]
        var failed = false
        for file in names.sorted() where file.hasSuffix("." + fileExtension) {
            let name = String(file.dropLast(fileExtension.count + 1))
            let shown = (displayRoot.hasSuffix("/") ? displayRoot : displayRoot + "/") + file
            paths[name] = shown
            guard let data = fileManager.contents(atPath: directory.appendingPathComponent(file).path),
                  let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error(shown, "template cannot be read as UTF-8 text"))
                failed = true
                continue
            }
            do {
                // With a first line that selects sitegen's escaping: a standalone tag, which renders
                // nothing and moves every line of the editor's text down by one.
                library.register(try MustacheTemplate(string: SiteHTML.pragma + text), named: name)
                texts[name] = text
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(.error(shown, line: error.context.lineNumber - 1, column: error.context.columnNumber + 1,
                                          "template syntax error: \(describe(error.error))"))
                failed = true
            } catch {
                diagnostics.append(.error(shown, "template syntax error: \(error)"))
                failed = true
            }
        }
        for (name, text) in texts.sorted(by: { $0.key < $1.key }) {
            for (partial, location) in partialReferences(in: text) where paths[partial] == nil {
                diagnostics.append(.error(paths[name]!, line: location.line, column: location.column,
                                          "partial `\(partial)` does not exist: create templates/\(partial).\(fileExtension)"))
                failed = true
            }
        }
        // A partial that includes itself, directly or through others, would recurse until the stack overflows.
        let includes = texts.mapValues { Set(partialReferences(in: $0).map(\.0)) }
        for name in includes.keys.sorted() {
            var path = [name]
            if let cycle = findCycle(from: name, includes: includes, path: &path) {
                // Reported at the tag in the loop's first template that starts it.
                let tag = partialReferences(in: texts[cycle[0]] ?? "").first { $0.0 == cycle[1] }?.1 ?? SourceLocation(line: 1, column: 1)
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
        var layouts = Set(paths.keys)
        if paths[notFoundLayout] == nil {
            library.register(try! MustacheTemplate(string: SiteHTML.pragma + builtInNotFound), named: notFoundLayout)
            layouts.insert(notFoundLayout)
        }
        return failed ? nil : TemplateSet(library: library, names: layouts, displayPaths: paths)
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

    /// `{{> name}}` tags with where they stand (column in characters).
    static func partialReferences(in text: String) -> [(String, SourceLocation)] {
        let ns = text as NSString
        return partialTag.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let before = ns.substring(to: match.range.location)
            let line = before.count(where: { $0 == "\n" }) + 1
            let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
            return (ns.substring(with: match.range(at: 1)), SourceLocation(line: line, column: column))
        }
    }

    /// Compiled once: every template is looked at more than once.
    private static let partialTag = try! NSRegularExpression(pattern: #"\{\{\s*>\s*([^\s}]+)\s*\}\}"#)

    private static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case .unfinishedName: return "a tag is not closed with }}"
        case .expectedSectionEnd: return "a section is never closed ({{/name}} is missing)"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inherited section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inherited section"
        case .textInsideInheritSection: return "text inside an inherited section"
        case .invalidConfigVariableSyntax: return "invalid configuration tag"
        case .unrecognisedConfigVariable: return "unknown configuration tag"
        }
    }

    /// Renders `context` with the template `name`; nil when there is no such template.
    func render(_ context: Any, template name: String) -> String? {
        library.render(context, withTemplate: name)
    }
}

/// How template values are escaped for HTML: `&`, `<`, `>`, `"` and `'`, byte by byte.
///
/// swift-mustache's own escaper compares Characters, so a quote or `<` followed by a combining mark
/// (`"\u{301}`) is a Character it does not list and passes through: a title could end the attribute it
/// is written into. It also looks each Character up in a dictionary, a fifth of the template work.
struct SiteHTML: MustacheContentType {
    static let name = "SITEGEN_HTML"
    /// The tag every template starts with, on a line of its own.
    static let pragma = "{{% CONTENT_TYPE: \(name) }}\n"

    func escapeText(_ text: String) -> String { text.htmlEscaped }

    /// swift-mustache looks content types up by name when it parses the pragma.
    static func register() { MustacheContentTypes.register(SiteHTML(), named: name) }
}
