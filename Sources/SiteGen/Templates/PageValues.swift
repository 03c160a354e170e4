import Mustache

/// What the templates see when they render one page.
///
/// Each value is worked out when a template first asks for it: a page pays for breadcrumbs, a table
/// of contents or the timeline only if its templates show them, and no dictionary is built and
/// hashed for every page. A name it does not know is nil, so Mustache looks further up its stack,
/// as it would for a missing dictionary key.
final class PageValues: MustacheParent {
    private let renderer: SiteRenderer
    private let page: Document?
    private let url: String
    private let title: String
    /// Links back to the site root, relative to this page.
    private let root: String
    /// The published site's URL, for a page served at any depth (the not-found page): its links are absolute.
    private let absoluteRoot: String?
    /// The layout's HTML, for the base layout to wrap.
    var main = ""

    init(renderer: SiteRenderer, page: Document?, url: String, title: String, absoluteRoot: String? = nil) {
        self.renderer = renderer
        self.page = page
        self.url = url
        self.title = title
        self.absoluteRoot = absoluteRoot
        self.root = absoluteRoot ?? SitePath.relative(from: url, to: "")
    }

    func child(named name: String) -> Any? {
        switch name {
        case "title": return Text(title)
        case "page": return page.map(PageFields.init)
        case "root": return Text(root)
        case "assets": return Text(root == "./" ? "assets/" : root + "assets/")
        case "language": return Text(renderer.site.config.language)
        case "site": return renderer.siteFields
        case "isHome": return url.isEmpty
        case "nav": return navigation
        case "credit": return renderer.credit
        case "main": return Text(main)
        case "breadcrumbs": return page == nil ? nil : breadcrumbs
        case "hasBreadcrumbs": return page == nil ? nil : !breadcrumbs.isEmpty
        case "toc": return tableOfContents
        case "hasToc": return tableOfContents == nil ? nil : true
        case "timeline": return timeline
        case "index": return ambassadorIndex
        case "chief": return chief
        case "infobox": return infobox
        default: return nil
        }
    }

    // The pages that list others: made once, however often their templates ask.
    private lazy var timeline: [String: Any]? = page?.kind == .timeline ? renderer.timelineContext(url: url) : nil
    private lazy var ambassadorIndex: [String: Any]? = page?.kind == .ambassadorIndex ? renderer.indexContext(url: url) : nil
    private lazy var infobox: [String: Any]? = page != nil && url.isEmpty ? renderer.infoboxContext(url: url) : nil
    private lazy var chief: [String: Any]? = {
        guard let page, page.kind == .ambassador, let chief = renderer.site.chiefsByPath[page.path] else { return nil }
        return renderer.chiefContext(chief, url: url)
    }()

    private lazy var navigation: [NavigationItem] = renderer.site.config.navigation.compactMap { item in
        guard let target = renderer.site.page(at: item.path) else { return nil }
        let targetURL = target.holderURL
        return NavigationItem(title: target.navigationTitle ?? target.title,
                              href: absoluteRoot.map { $0 + targetURL } ?? SitePath.relative(from: url, to: targetURL),
                              current: targetURL == url,
                              section: !targetURL.isEmpty && url.hasPrefix(targetURL) && targetURL != url)
    }

    private lazy var breadcrumbs: [Link] = {
        guard !url.isEmpty else { return [] }
        var crumbs: [Link] = []
        if let home = renderer.site.pagesByURL[""] { crumbs.append(Link(title: home.title, href: root)) }
        let parts = url.split(separator: "/")
        for depth in 1..<max(parts.count, 1) {
            let sectionURL = parts.prefix(depth).joined(separator: "/") + "/"
            if let section = renderer.site.pagesByURL[sectionURL] {
                crumbs.append(Link(title: section.title, href: SitePath.relative(from: url, to: sectionURL)))
            }
        }
        return crumbs
    }()

    /// Level 2 and 3 headings, when the page has enough of them or asks for a table of contents.
    private lazy var tableOfContents: [TableOfContentsEntry]? = {
        guard let page else { return nil }
        let headings = page.body.headings.filter { (2...3).contains($0.level) }
        guard page.tableOfContents ?? (headings.count >= SiteRenderer.tableOfContentsMinimum), !headings.isEmpty else { return nil }
        return headings.map { TableOfContentsEntry(id: $0.id, text: $0.text, sub: $0.level == 3) }
    }()
}

/// How a page's `PageValues` reach the templates (see `SiteRenderer.render(_:with:)`).
struct PageScope: MustacheParent {
    let values: PageValues

    func child(named name: String) -> Any? { values.child(named: name) }
}

/// `page.title`, `page.body`, `page.description`.
struct PageFields: MustacheParent {
    let document: Document

    func child(named name: String) -> Any? {
        switch name {
        case "title": return Text(document.title)
        case "body": return Text(document.body.html)
        case "description": return document.description.map(Text.init)
        default: return nil
        }
    }
}

/// `site.title`, `site.description`.
struct SiteFields: MustacheParent, Sendable {
    let title: String
    let description: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": return Text(title)
        case "description": return Text(description)
        default: return nil
        }
    }
}

/// The source article's credit in the footer.
struct CreditFields: MustacheParent, Sendable {
    let credit: SiteConfig.SourceCredit

    func child(named name: String) -> Any? {
        switch name {
        case "title": return Text(credit.title)
        case "url": return Text(credit.url)
        case "license": return Text(credit.license)
        case "licenseURL": return Text(credit.licenseURL)
        default: return nil
        }
    }
}

/// An entry of the site navigation.
struct NavigationItem: MustacheParent {
    let title: String
    let href: String
    /// The page being rendered.
    let current: Bool
    /// A page inside this entry's section.
    let section: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "title": return Text(title)
        case "href": return Text(href)
        case "current": return current
        case "section": return section
        default: return nil
        }
    }
}

/// A breadcrumb.
struct Link: MustacheParent {
    let title: String
    let href: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": return Text(title)
        case "href": return Text(href)
        default: return nil
        }
    }
}

struct TableOfContentsEntry: MustacheParent {
    let id: String
    let text: String
    /// A level 3 heading, under a level 2 one.
    let sub: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "id": return Text(id)
        case "text": return Text(text)
        case "sub": return sub
        default: return nil
        }
    }
}

/// A text value for the templates: rendered as the String it holds (escaped by `{{ }}`, as it is by
/// `{{{ }}}`), with String's transforms. swift-mustache asks a plain String whether it is a lambda or
/// an optional and describes it through more casts, each a conformance lookup, on every use; a value
/// that says it renders itself skips them.
struct Text: MustacheCustomRenderable, MustacheTransformable, MustacheParent {
    let string: String

    init(_ string: String) { self.string = string }

    var renderText: String { string }
    var isNull: Bool { false }
    func transform(_ name: String) -> Any? { string.transform(name) }
    /// Text has no fields (`{{title.x}}` is empty, as it is for a String).
    func child(named name: String) -> Any? { nil }
}
