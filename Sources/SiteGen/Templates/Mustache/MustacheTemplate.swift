/// A Mustache template parsed once into a tree, rendered for every page.
///
/// The language is Mustache's, as its specification defines it: variables (`{{name}}` escaped,
/// `{{{name}}}` and `{{&name}}` not), dotted names and the implicit iterator `{{.}}`, sections and
/// inverted sections, partials with their indentation, comments, set-delimiter tags and standalone
/// lines. Lambdas and inheritance are not supported.
public struct MustacheTemplate: Sendable {
    let nodes: [MustacheNode]

    /// Parses `text`; a syntax error carries its line and column in `text` (columns count characters).
    public init(parsing text: String) throws(MustacheSyntaxError) {
        var parser = MustacheParser(text)
        nodes = try parser.parse()
    }

    /// Every partial the template includes, with where its tag stands, in order.
    var partialReferences: [(name: String, location: SourceLocation)] {
        var found: [(String, SourceLocation)] = []
        func walk(_ nodes: [MustacheNode]) {
            for node in nodes {
                switch node {
                case .partial(let name, _, let location): found.append((name, location))
                case .section(_, _, let children): walk(children)
                default: break
                }
            }
        }
        walk(nodes)
        return found
    }
}

enum MustacheNode: Sendable {
    case text([UInt8])
    case variable(MustacheName, escaped: Bool)
    case section(MustacheName, inverted: Bool, [MustacheNode])
    /// A partial's name, the indentation of its standalone tag (given to each of its lines), its place.
    case partial(String, indentation: [UInt8], SourceLocation)
}

/// A name as a tag writes it: `.` or `a.b.c`, split once.
struct MustacheName: Sendable {
    /// Empty for `.`, the current value.
    let parts: [TemplateKey]
    let location: SourceLocation

    var text: String { parts.isEmpty ? "." : parts.map(\.name).joined(separator: ".") }
}

public struct MustacheSyntaxError: Error, Sendable, CustomStringConvertible {
    public let location: SourceLocation
    public let message: String
    public var description: String { "\(location.line):\(location.column): \(message)" }
}
