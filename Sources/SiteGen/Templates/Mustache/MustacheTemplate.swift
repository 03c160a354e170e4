/// A Mustache template parsed once into a tree, rendered for every page.
///
/// The language is Mustache's, as its specification defines it: variables (`{{name}}` escaped,
/// `{{{name}}}` and `{{&name}}` not), dotted names and the implicit iterator `{{.}}`, sections and
/// inverted sections, partials with their indentation, comments, set-delimiter tags and standalone
/// lines. Lambdas and inheritance are not supported.
public struct MustacheTemplate: Sendable {
    /// The tree, as the checks of names and partials read it.
    let nodes: [MustacheNode]
    /// The same tree laid out flat, as it is rendered.
    let steps: MustacheSteps

    /// Parses `text`; a syntax error carries its line and column in `text` (columns count characters).
    public init(parsing text: String) throws(MustacheSyntaxError) {
        var parser = MustacheParser(text)
        nodes = try parser.parse()
        steps = MustacheSteps(nodes)
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

/// A template laid out for rendering: a list of steps in the order they render, a section's own steps right
/// after it. A step holds only numbers (where its bytes are in `text`, where its name's parts are in `keys`,
/// where a section ends), so going through the steps of every page copies no reference-counted value, as
/// going through the tree's nodes does (each node's array or name retained and released again). A class:
/// a template handed to the renderer as a partial is one reference, not its four arrays.
final class MustacheSteps: Sendable {
    enum Step: Sendable {
        /// The template's own text: `text[bytes]`.
        case text(bytes: Range<Int>)
        /// The name is `keys[name]`, empty for `.`.
        case variable(name: Range<Int>, escaped: Bool)
        /// The section's steps are those after it, up to `end`.
        case section(name: Range<Int>, inverted: Bool, end: Int)
        /// `partialNames[name]`, each of its lines indented with `text[indentation]`.
        case partial(name: Int, indentation: Range<Int>)
    }

    let steps: [Step]
    /// Every step's bytes, one after another.
    let text: [UInt8]
    /// The parts of every name, one name after another.
    let keys: [TemplateKey]
    let partialNames: [String]

    init(_ nodes: [MustacheNode]) {
        var layout = Layout()
        layout.append(nodes)
        (steps, text, keys, partialNames) = (layout.steps, layout.text, layout.keys, layout.partialNames)
    }

    private struct Layout {
        var steps: [Step] = []
        var text: [UInt8] = []
        var keys: [TemplateKey] = []
        var partialNames: [String] = []

        mutating func append(_ nodes: [MustacheNode]) {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    steps.append(.text(bytes: store(bytes)))
                case .variable(let name, let escaped):
                    steps.append(.variable(name: store(name), escaped: escaped))
                case .section(let name, let inverted, let children):
                    let name = store(name), at = steps.count
                    steps.append(.section(name: name, inverted: inverted, end: at + 1))
                    append(children)
                    steps[at] = .section(name: name, inverted: inverted, end: steps.count)
                case .partial(let name, let indentation, _):
                    partialNames.append(name)
                    steps.append(.partial(name: partialNames.count - 1, indentation: store(indentation)))
                }
            }
        }

        mutating func store(_ bytes: [UInt8]) -> Range<Int> {
            text += bytes
            return text.count - bytes.count ..< text.count
        }

        mutating func store(_ name: MustacheName) -> Range<Int> {
            keys += name.parts
            return keys.count - name.parts.count ..< keys.count
        }
    }
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
