/// A value the templates see: typed, so that rendering looks names up and tests values with a switch
/// instead of casting `Any` to protocols for every name of every page.
public enum TemplateValue: Sendable {
    case text(String)
    case flag(Bool)
    case integer(Int)
    case decimal(Double)
    case list([TemplateValue])
    case dictionary([String: TemplateValue])
    /// Values worked out when a template asks for them (a page's navigation, its timeline…).
    case object(any TemplateObject)
    /// Present, and nothing: falsey, renders as nothing, and stops the search up the context stack.
    case null

    /// A Mustache section renders for a value unless it is absent, null, false or an empty list.
    var isFalsey: Bool {
        switch self {
        case .null, .flag(false): true
        case .list(let items): items.isEmpty
        default: false
        }
    }

    /// The value of `name` inside this one, if it has names.
    func value(named name: String) -> TemplateValue? {
        switch self {
        case .dictionary(let values): values[name]
        case .object(let object): object.value(named: name)
        default: nil
        }
    }
}

/// An object whose values are worked out on demand: nil for a name it does not have.
public protocol TemplateObject: Sendable {
    func value(named name: String) -> TemplateValue?
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
                         ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .dictionary(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}
