/// A value the templates see: typed, so that rendering looks names up and tests values with a switch
/// instead of casting `Any` to protocols for every name of every page.
public enum TemplateValue: Sendable {
    case text(String)
    /// Text already as UTF-8 bytes (a layout's HTML for the base layout): written without a conversion.
    case utf8([UInt8])
    case flag(Bool)
    case integer(Int)
    case decimal(Double)
    case list([TemplateValue])
    case dictionary([String: TemplateValue])
    /// Values worked out when a template asks for them (a page's navigation, a collection's items…).
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

    /// The value of `key` inside this one, if it has names.
    func value(named key: TemplateKey) -> TemplateValue? {
        switch self {
        case .dictionary(let values): values[key.name]
        case .object(let object): object.value(named: key)
        default: nil
        }
    }
}

/// An object whose values are worked out on demand: nil for a name it does not have. A class, so that a
/// value holding one is copied with a reference count, not through an existential box.
public protocol TemplateObject: AnyObject, Sendable {
    func value(named key: TemplateKey) -> TemplateValue?
}

/// A name of a template, as written, with sitegen's own names recognised once, when the template is
/// parsed: an object's values are then found with a switch on a small number instead of comparing texts.
public struct TemplateKey: Sendable, Hashable {
    public let name: String
    /// The name among those sitegen's objects have, if it is one.
    public let known: KnownName?

    public init(_ name: String) {
        self.name = name
        known = KnownName(rawValue: name)
    }

    /// Every name of sitegen's template objects (`PageValues` and the objects it hands out).
    public enum KnownName: String, Sendable {
        case title, page, root, assets, language, site, isHome, nav, credit, main, breadcrumbs, hasBreadcrumbs
        case toc, hasToc, body, description, href, current, section, id, text, sub
        case url, license, licenseURL, prose, notes, canonical, lede, rest, feed
        // Collections and their items.
        case path, collection, fields, start, end, number, ordinal, previous, next, has, listed
        case linkedFrom = "linked_from"
        case items, entries, groups, count, numbered, latest, first, last, list, collections
        case jsonLD = "json_ld"
    }
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
