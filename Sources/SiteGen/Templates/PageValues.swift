/// What the templates see when they render one page.
///
/// Each value is worked out when a template first asks for it: a page pays for breadcrumbs, a table
/// of contents or a collection's list only if its templates show them, and no dictionary is built and
/// hashed for every page. A name it does not know is nil, so Mustache looks further up its stack,
/// as it would for a missing dictionary key. `TemplateSchema` lists the same names for the check of
/// templates' names.
final class PageValues: TemplateObject, @unchecked Sendable {
    private let renderer: SiteRenderer
    private let page: Document?
    private let url: String
    private let title: String
    /// Links back to the site root, relative to this page.
    private let root: String
    /// The published site's URL, for a page served at any depth (the not-found page): its links are absolute.
    private let absoluteRoot: String?
    /// The layout's HTML, for the base layout to wrap.
    var main: [UInt8] = []
    /// What the objects handed out to the templates share: the page, and what it reads of others.
    let context: RenderContext

    init(renderer: SiteRenderer, page: Document?, url: String, title: String, absoluteRoot: String? = nil) {
        self.renderer = renderer
        self.page = page
        self.url = url
        self.title = title
        self.absoluteRoot = absoluteRoot
        self.root = absoluteRoot ?? SitePath.relative(from: url, to: "")
        context = RenderContext(renderer: renderer, url: url, page: page?.path)
        // Its own document: the title, the table of contents and the layout are its.
        if let page { context.read(page) }
    }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .title?: return .text(title)
        case .page?: return page.map { .object(ItemValues($0, context: context)) }
        case .root?: return .text(root)
        // The page's absolute address, only when the site's address is known (`base_url`): a page served
        // for missing paths (page nil) has none.
        case .feed?: return renderer.feedURL.map { .text($0) }
        case .canonical?: return page != nil ? renderer.baseURL.map { .text($0 + url) } : nil
        case .assets?: return .text(assets)
        case .language?: return .text(renderer.site.config.language)
        case .site?: return .object(renderer.siteFields)
        case .isHome?: return .flag(url.isEmpty)
        case .nav?: return .list(navigation)
        case .credit?: return renderer.credit.map { .object($0) }
        case .main?: return .utf8(main)
        case .breadcrumbs?: return page == nil ? nil : .list(breadcrumbs)
        case .hasBreadcrumbs?: return page == nil ? nil : .flag(!breadcrumbs.isEmpty)
        case .toc?: return tableOfContents.map { .list($0) }
        case .hasToc?: return tableOfContents == nil ? nil : .flag(true)
        case .list?: return listed
        case .collections?: return .object(CollectionsValues(context: context))
        case .jsonLD?: return page.map { .text(StructuredData(site: renderer.site, baseURL: renderer.baseURL, reads: context).jsonLD(for: $0)) }
        default: return nil
        }
    }

    private lazy var assets = root == "./" ? "assets/" : root + "assets/"

    /// A collection's folder page lists its items: made once, however often its templates ask.
    private lazy var listed: TemplateValue? = {
        guard let page, page.isList, let name = page.collection, let collection = renderer.site.collections[name] else { return nil }
        return .object(ListValues(collection, context: context))
    }()

    private lazy var navigation: [TemplateValue] = renderer.site.config.navigation.compactMap { item in
        context.read(path: item.path)
        guard let target = renderer.site.page(at: item.path) else { return nil }
        let targetURL = target.holderURL
        return .object(NavigationItem(title: target.navigationTitle ?? target.title,
                                      href: absoluteRoot.map { $0 + targetURL } ?? SitePath.relative(from: url, to: targetURL),
                                      current: page != nil && targetURL == url,
                                      section: !targetURL.isEmpty && url.hasPrefix(targetURL) && targetURL != url))
    }

    private lazy var breadcrumbs: [TemplateValue] = {
        guard !url.isEmpty else { return [] }
        var crumbs: [TemplateValue] = []
        if renderer.site.pagesByURL[""] == nil { context.readPageAddresses() }
        if let home = renderer.site.pagesByURL[""] {
            context.read(home)
            crumbs.append(.object(Link(title: home.title, href: root)))
        }
        let parts = url.split(separator: "/")
        for depth in 1..<max(parts.count, 1) {
            let sectionURL = parts.prefix(depth).joined(separator: "/") + "/"
            if let section = renderer.site.pagesByURL[sectionURL] {
                context.read(section)
            } else {
                // A page at that address would be a breadcrumb: which addresses have pages is read.
                context.readPageAddresses()
            }
            if let section = renderer.site.pagesByURL[sectionURL] {
                crumbs.append(.object(Link(title: section.title, href: SitePath.relative(from: url, to: sectionURL))))
            }
        }
        return crumbs
    }()

    /// Level 2 and 3 headings, when the page has enough of them or asks for a table of contents.
    private lazy var tableOfContents: [TemplateValue]? = {
        guard let page else { return nil }
        let headings = page.headings.filter { (2...3).contains($0.level) }
        guard page.tableOfContents ?? (headings.count >= SiteRenderer.tableOfContentsMinimum), !headings.isEmpty else { return nil }
        return headings.map { .object(TableOfContentsEntry(id: $0.id, text: $0.text, sub: $0.level == 3)) }
    }()
}

/// `site.title`, `site.description`.
final class SiteFields: TemplateObject {
    let title: String
    let description: String

    init(title: String, description: String) {
        self.title = title
        self.description = description
    }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .title?: return .text(title)
        case .description?: return .text(description)
        default: return nil
        }
    }
}

/// The source article's credit in the footer.
final class CreditFields: TemplateObject {
    let credit: SiteConfig.SourceCredit

    init(credit: SiteConfig.SourceCredit) {
        self.credit = credit
    }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .title?: return .text(credit.title)
        case .url?: return .text(credit.url)
        case .license?: return .text(credit.license)
        case .licenseURL?: return .text(credit.licenseURL)
        default: return nil
        }
    }
}

/// An entry of the site navigation.
final class NavigationItem: TemplateObject {
    let title: String
    let href: String
    /// The page being rendered.
    let current: Bool
    /// A page inside this entry's section.
    let section: Bool

    init(title: String, href: String, current: Bool, section: Bool) {
        self.title = title
        self.href = href
        self.current = current
        self.section = section
    }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .title?: return .text(title)
        case .href?: return .text(href)
        case .current?: return .flag(current)
        case .section?: return .flag(section)
        default: return nil
        }
    }
}

/// A breadcrumb.
final class Link: TemplateObject {
    let title: String
    let href: String

    init(title: String, href: String) {
        self.title = title
        self.href = href
    }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .title?: return .text(title)
        case .href?: return .text(href)
        default: return nil
        }
    }
}

final class TableOfContentsEntry: TemplateObject {
    let id: String
    let text: String
    /// A level 3 heading, under a level 2 one.
    let sub: Bool

    init(id: String, text: String, sub: Bool) {
        self.id = id
        self.text = text
        self.sub = sub
    }

    func value(named key: TemplateKey) -> TemplateValue? {
        switch key.known {
        case .id?: return .text(id)
        case .text?: return .text(text)
        case .sub?: return .flag(sub)
        default: return nil
        }
    }
}
