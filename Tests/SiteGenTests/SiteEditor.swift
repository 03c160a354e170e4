import Foundation
@testable import SiteGen

/// One change an editor makes to a site: what it was, and the files it touched (paths inside the site's
/// folder, as the watcher reports them: a file written, made or removed, and a folder made for a new file).
struct SiteEdit: CustomStringConvertible {
    enum Kind: String, CaseIterable {
        case field, body, newFile, removedFile, settings, template, staticFile, repair
    }
    var kind: Kind
    var detail: String
    var touched: Set<String>

    var description: String { "\(kind.rawValue): \(detail)" }
}

/// Random edits of a copy of a site, of every kind an editor makes: a field of an item of each collection the
/// settings declare (a date that moves it into another term, a reference, the field that orders or numbers
/// it, its title, a draft), a plain page's title or navigation title, body text, pages and items added and
/// removed, the settings, templates and partials (a visible text, or a tag that reads another value), and
/// static files of the content and of the templates' assets. The collections and their fields are read from
/// the site's own declarations, so the edits follow the site. Every file is kept as it was before the edits
/// since the last good build, so that a build the edits broke can be repaired.
final class SiteEditor {
    let site: TemporarySite
    var random: SplitMix64
    /// The collections the site declared when the editor was made.
    let collections: [ContentCollection]
    /// A number for each new name and text, so that every edit makes a difference.
    private var counter = 0
    /// Each file touched since the last good build, as it was before (nil: it did not exist), first touch first.
    private var saved: [(path: String, before: Data?)] = []
    /// Lines the template edits inserted, to take out again: (template path, line).
    private var inserted: [(path: String, line: String)] = []

    init(site: TemporarySite, seed: UInt64) {
        self.site = site
        random = SplitMix64(seed: seed)
        collections = SiteConfig.collections(inContent: site.root.appendingPathComponent("content").path).all
    }

    // MARK: Files

    func text(_ path: String) -> String? {
        try? String(contentsOf: site.root.appendingPathComponent(path), encoding: .utf8)
    }

    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: site.root.appendingPathComponent(path).path) }

    /// Writes `path`, keeping what it was; the folders made for it are touched too.
    private func write(_ path: String, _ text: String, touched: inout Set<String>) throws {
        remember(path)
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty, !exists(folder) {
            touched.insert(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        try site.write(path, text)
        touched.insert(path)
    }

    private func remove(_ path: String, touched: inout Set<String>) throws {
        remember(path)
        try site.delete(path)
        touched.insert(path)
    }

    private func remember(_ path: String) {
        guard !saved.contains(where: { $0.path == path }) else { return }
        saved.append((path, FileManager.default.contents(atPath: site.root.appendingPathComponent(path).path)))
    }

    /// The last build succeeded: nothing needs to be put back any more.
    func settle() { saved.removeAll() }

    /// Every file touched since the last good build, put back as it was then.
    func repair() throws -> SiteEdit {
        var touched = Set<String>()
        for (path, before) in saved.reversed() {
            if let before { try site.write(path, before) } else if exists(path) { try site.delete(path) }
            touched.insert(path)
        }
        inserted.removeAll { !(text($0.path)?.components(separatedBy: "\n").contains($0.line) ?? false) }
        let edit = SiteEdit(kind: .repair, detail: "put back " + saved.map(\.path).joined(separator: ", "), touched: touched)
        saved.removeAll()
        return edit
    }

    /// Files below `folder` of the site whose names end with `suffix`, sorted, as paths inside the site.
    private func files(below folder: String, endingWith suffix: String = "") -> [String] {
        let url = site.root.appendingPathComponent(folder)
        return (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") && !$0.contains("/.") }
            .filter { var folder: ObjCBool = false; return FileManager.default.fileExists(atPath: url.path + "/" + $0, isDirectory: &folder) && !folder.boolValue }
            .map { folder + "/" + $0 }.sorted()
    }

    var markdownFiles: [String] { files(below: "content", endingWith: ".md") }

    /// The items of `collection` now: its folder's Markdown files but its folder page.
    func items(of collection: ContentCollection) -> [String] {
        markdownFiles.filter { path in
            let inside = path.dropFirst("content/".count)
            guard inside.hasPrefix(collection.folder + "/") else { return false }
            let name = inside.dropFirst(collection.folder.count + 1)
            return !name.contains("/") && name != "index.md" && name != "_index.md"
        }
    }

    /// Markdown files that are neither items nor folder pages of a collection.
    var plainPages: [String] {
        markdownFiles.filter { path in !collections.contains { path.hasPrefix("content/" + $0.folder + "/") } }
    }

    var staticFiles: [String] { files(below: "content").filter { !$0.hasSuffix(".md") && $0 != "content/site.yaml" } }

    /// The keys sources are cited by: the file names of the citable collection's items.
    var sourceKeys: [String] {
        collections.filter(\.citable).flatMap(items(of:)).map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
    }

    private func next() -> Int {
        counter += 1
        return counter
    }

    // MARK: Edits

    /// Only Markdown files are edited, added and removed: no settings, template or static file.
    var markdownOnly = false

    /// One random edit of any kind.
    func edit() throws -> SiteEdit {
        switch random.below(markdownOnly ? 13 : 20) {
        case 0..<6: return try fieldEdit()
        case 6..<10: return try bodyEdit()
        case 10, 11: return try newFile()
        case 12: return try removedFile()
        case 13, 14: return try settingsEdit()
        case 15..<18: return try templateEdit()
        default: return try staticEdit()
        }
    }

    /// A field of an item of a random collection, or of a plain page.
    func fieldEdit() throws -> SiteEdit {
        var touched = Set<String>()
        let choice = random.below(collections.count + 1)
        if choice < collections.count, !items(of: collections[choice]).isEmpty {
            let collection = collections[choice]
            let path = random.pick(items(of: collection))
            let text = text(path) ?? ""
            let names = collection.fields.map(\.name) + ["draft", "description"]
            let name = random.pick(names)
            let changed: String, detail: String
            if random.below(8) == 0 {
                changed = Self.removing(name, from: text)
                detail = "\(path): \(name) removed"
            } else {
                let value = name == "draft" ? (random.below(3) == 0 ? "true" : "false") : name == "description" ? "Described \(next())"
                    : self.value(of: collection.fields.first { $0.name == name }!.type, field: name, in: collection)
                changed = FieldEdits.setting(name, to: value, in: text)
                detail = "\(path): \(name) = \(value)"
            }
            try write(path, changed, touched: &touched)
            return SiteEdit(kind: .field, detail: detail, touched: touched)
        }
        let path = random.pick(plainPages)
        let text = text(path) ?? ""
        let (name, value): (String, String) = switch random.below(5) {
        case 0: ("title", "Title \(next())")
        case 1: ("nav_title", "Nav \(next())")
        case 2: ("description", "Described \(next())")
        case 3: ("toc", random.below(2) == 0 ? "true" : "false")
        default: ("draft", random.below(3) == 0 ? "true" : "false")
        }
        try write(path, FieldEdits.setting(name, to: value, in: text), touched: &touched)
        return SiteEdit(kind: .field, detail: "\(path): \(name) = \(value)", touched: touched)
    }

    /// A value of a declared field's type: for text, often another item's value of the same field (which
    /// decides numbering or order as much as a new one).
    func value(of type: FieldType, field: String, in collection: ContentCollection) -> String {
        switch type {
        case .text:
            let others = items(of: collection).compactMap { self.text($0).flatMap { Self.value(of: field, in: $0) } }
            if !others.isEmpty, random.below(2) == 0 { return random.pick(others) }
            return random.pick(["Text", "Ambassador", "Ambassador at large", "Chargé d'affaires"]) + " \(next())"
        case .markdown: return "Some *text* \(next())"
        case .date: return FieldEdits.date(&random)
        case .number: return "\(random.below(100))"
        case .flag: return random.below(2) == 0 ? "true" : "false"
        case .url: return "https://example.org/\(next())"
        case .anchor: return "anchor-\(next())"
        case .page: return String(random.pick(plainPages).dropFirst("content/".count))
        case .item(let name):
            let items = collections.first { $0.name == name }.map(items(of:)) ?? []
            return items.isEmpty ? "none.md" : String(random.pick(items).dropFirst("content/".count))
        case .list(let element):
            let count = random.below(3)
            return "[" + (0..<count).map { _ in value(of: element[0], field: field, in: collection) }.joined(separator: ", ") + "]"
        }
    }

    /// A field's value as written in `text`'s front matter, without quotes.
    static func value(of field: String, in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---"),
              let line = lines[1..<end].first(where: { $0.hasPrefix(field + ":") }) else { return nil }
        var value = line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value.isEmpty || value.contains("\"") ? nil : value
    }

    static func removing(_ field: String, from text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return text }
        if let index = lines[1..<end].firstIndex(where: { $0.hasPrefix(field + ":") }) { lines.remove(at: index) }
        return lines.joined(separator: "\n")
    }

    /// The body's lines: those after the front matter.
    private static func bodyStart(_ lines: [String]) -> Int {
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return 0 }
        return end + 1
    }

    /// A citation of a random source, or nothing when there is none.
    private func citation() -> String {
        let keys = sourceKeys
        return keys.isEmpty ? "" : "[^@\(random.pick(keys))]"
    }

    /// Text of a page's body: a sentence in its first paragraph, a new paragraph, a heading, a link, a line removed.
    func bodyEdit() throws -> SiteEdit {
        let path = random.pick(markdownFiles)
        switch random.below(6) {
        case 0, 1: return try sentenceInserted(in: path)
        default: break
        }
        var touched = Set<String>()
        var lines = (text(path) ?? "").components(separatedBy: "\n")
        let start = Self.bodyStart(lines)
        let detail: String
        switch random.below(5) {
        case 0:
            let n = next()
            lines.append("\nParagraph \(n), cited.\(citation())")
            detail = "\(path): a paragraph added"
        case 1:
            let n = next()
            lines.append("\n## Heading \(n)\n\nText under heading \(n).\(citation())")
            detail = "\(path): a heading added"
        case 2:
            let folder = String(path.dropFirst("content/".count)).split(separator: "/").dropLast().map { $0 + "/" }.joined()
            let targets = (markdownFiles + staticFiles).filter { $0 != path }
            let target = String(random.pick(targets).dropFirst("content/".count))
            lines.append("\nSee [a link \(next())](\(SitePath.relative(from: folder, to: target))).\(citation())")
            detail = "\(path): a link to \(target) added"
        case 3 where lines[start...].contains { !$0.isEmpty }:
            let index = random.pick(Array(start..<lines.count).filter { !lines[$0].isEmpty })
            detail = "\(path): line \(index + 1) removed (\(lines[index].prefix(40))…)"
            lines.remove(at: index)
        default:
            lines.append("\nAn uncited paragraph \(next()).")
            detail = "\(path): an uncited paragraph added"
        }
        try write(path, lines.joined(separator: "\n"), touched: &touched)
        return SiteEdit(kind: .body, detail: detail, touched: touched)
    }

    /// A sentence put at the start of the body's first paragraph: the text changes, nothing else does (not
    /// its paragraphs, headings, links or citations), so other pages see the page as before.
    func sentenceInserted(in path: String) throws -> SiteEdit {
        var touched = Set<String>()
        var lines = (text(path) ?? "").components(separatedBy: "\n")
        let n = next()
        if let index = lines.indices.dropFirst(Self.bodyStart(lines)).first(where: { lines[$0].first?.isLetter == true }) {
            lines[index] = "Sentence \(n) inserted. " + lines[index]
        } else {
            lines.append("\nSentence \(n) inserted.")
        }
        try write(path, lines.joined(separator: "\n"), touched: &touched)
        return SiteEdit(kind: .body, detail: "\(path): a sentence inserted", touched: touched)
    }

    /// A new item of a random collection, with its required and start fields, or a new plain page.
    func newFile() throws -> SiteEdit {
        var touched = Set<String>()
        let n = next()
        let choice = random.below(collections.count + 1)
        if choice < collections.count {
            let collection = collections[choice]
            var front: [String] = []
            for field in collection.fields where field.required || collection.start.contains(field.name) || random.below(3) == 0 {
                front.append(FieldEdits.setting(field.name, to: value(of: field.type, field: field.name, in: collection), in: "---\n---")
                    .components(separatedBy: "\n")[1])
            }
            let path = "content/\(collection.folder)/new-\(n).md"
            try write(path, "---\n" + front.joined(separator: "\n") + "\n---\n\nNew item \(n).\(collection.citable ? "" : citation())\n", touched: &touched)
            return SiteEdit(kind: .newFile, detail: "\(path) added: \(front.joined(separator: "; "))", touched: touched)
        }
        let folder = random.pick(["", "notes/", "notes/deeper/"])
        let path = "content/\(folder)added-\(n).md"
        let target = String(random.pick(plainPages).dropFirst("content/".count))
        try write(path, "---\ntitle: Added \(n)\n---\n\nA new page, linking to [a page](\(SitePath.relative(from: folder, to: target))).\n", touched: &touched)
        return SiteEdit(kind: .newFile, detail: "\(path) added", touched: touched)
    }

    /// A Markdown file removed: an item, a page, or a folder's page.
    func removedFile() throws -> SiteEdit {
        var touched = Set<String>()
        let path = random.pick(markdownFiles)
        try remove(path, touched: &touched)
        return SiteEdit(kind: .removedFile, detail: "\(path) removed", touched: touched)
    }

    /// content/site.yaml: the site's title or description, the navigation, smart punctuation, a collection's
    /// terms, grouping or direction, the source's credit.
    func settingsEdit() throws -> SiteEdit {
        var touched = Set<String>()
        let path = "content/site.yaml"
        var lines = (text(path) ?? "").components(separatedBy: "\n")
        func replace(_ prefix: String, with line: String) -> Bool {
            guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return false }
            lines[index] = line
            return true
        }
        let n = next()
        var detail: String
        switch random.below(9) {
        case 0:
            detail = "title: Site \(n)"
            _ = replace("title:", with: detail)
        case 1:
            detail = "description: Described \(n)"
            _ = replace("description:", with: detail)
        case 2:
            let flag = lines.contains("smart_punctuation: false")
            detail = "smart_punctuation: \(flag)"
            _ = replace("smart_punctuation:", with: detail)
        case 3, 4:
            let entries = lines.indices.filter { lines[$0].hasPrefix("  - ") }
            let pages = plainPages.map { String($0.dropFirst("content/".count)) }
                + collections.map { "\($0.folder)/index.md" }
            switch random.below(3) {
            case 0 where entries.count > 1:
                let index = random.pick(entries)
                detail = "navigation: \(lines[index]) removed"
                lines.remove(at: index)
            case 1 where entries.count > 1:
                let (a, b) = (random.pick(entries), random.pick(entries))
                detail = "navigation: \(lines[a]) and \(lines[b]) swapped"
                lines.swapAt(a, b)
            default:
                let page = random.pick(pages)
                detail = "navigation: \(page) added"
                lines.insert("  - " + page, at: (entries.last ?? lines.firstIndex(of: "navigation:") ?? 0) + 1)
            }
        case 5:
            let index = lines.firstIndex { $0.hasPrefix("    lasts_until_next:") }
            if let index {
                detail = "lasts_until_next: \(lines[index].hasSuffix("false"))"
                lines[index] = "    " + detail
            } else {
                detail = "nothing (no lasts_until_next)"
            }
        case 6:
            let grouping = random.pick(["decade", "year", "month"])
            detail = "group_by: \(grouping)"
            if let index = lines.firstIndex(where: { $0.hasPrefix("    group_by: decade") || $0.hasPrefix("    group_by: year") || $0.hasPrefix("    group_by: month") }) {
                lines[index] = "    group_by: \(grouping)"
            }
        case 7:
            if let index = lines.firstIndex(of: "    descending: true") {
                detail = "descending removed"
                lines.remove(at: index)
            } else if let index = lines.firstIndex(where: { $0.hasPrefix("    group_by:") }) {
                detail = "descending: true after \(lines[index])"
                lines.insert("    descending: true", at: index + 1)
            } else {
                detail = "nothing (no group_by)"
            }
        default:
            detail = "source_title: Credit \(n)"
            _ = replace("source_title:", with: detail)
        }
        try write(path, lines.joined(separator: "\n"), touched: &touched)
        return SiteEdit(kind: .settings, detail: detail, touched: touched)
    }

    /// Tags that read values other than the page's own text: another item's text through a relation, a
    /// collection's first or last item, a field, a partial.
    lazy var readingTags: [String] = {
        var tags = ["{{page.title}}", "{{page.description}}", "{{site.title}}",
                    "{{#page.next}}<p>{{title}}</p>{{{body}}}{{/page.next}}", "{{#page.previous}}{{{lede}}}{{/page.previous}}",
                    "{{#page}}{{number}} {{ordinal}} {{start.text}} {{end.text}}{{/page}}", "{{> footer}}", "{{> infobox}}", "{{> toc}}"]
        for collection in collections {
            tags.append("{{#collections.\(collection.name).first}}<p>{{title}}</p>{{{body}}}{{/collections.\(collection.name).first}}")
            tags.append("{{#collections.\(collection.name).last}}{{title}}{{/collections.\(collection.name).last}}")
            tags.append("{{#collections.\(collection.name).items}}{{title}} {{number}};{{/collections.\(collection.name).items}}")
            tags.append("{{collections.\(collection.name).count}}")
            for field in collection.fields { tags.append("{{page.fields.\(field.name)}}") }
            for relation in collection.relations {
                tags.append("{{#page.\(relation.name)}}<p>{{title}}</p>{{{body}}}{{/page.\(relation.name)}}")
                if case .during(_, _, let inverse?, _) = relation { tags.append("{{#page.\(inverse)}}{{title}} {{{body}}}{{/page.\(inverse)}}") }
            }
            for field in collection.fields { if let inverse = field.inverse { tags.append("{{#page.\(inverse)}}{{title}}: {{{body}}}{{/page.\(inverse)}}") } }
        }
        // The tags of the stale pages the first runs found (StalePageTests' regression tests): another page's
        // title in "what links here", another document's description.
        tags.append("{{#page.linked_from}}{{title}};{{/page.linked_from}}")
        tags.append("{{#page.next}}<p>{{description}}</p>{{/page.next}}")
        for collection in collections {
            tags.append("{{#collections.\(collection.name).items}}<p>{{description}}</p>{{/collections.\(collection.name).items}}")
        }
        return tags
    }()

    /// `count` random reading tags put in the frame of every page (before the editing starts): every page then
    /// reads values of other documents, which the later edits of those documents must reach.
    /// Tags are drawn again (at most ten times) until `builds` says the site builds with them: another page's
    /// `body` shown where its relative links do not lead anywhere is an error of the site, not of the engines.
    func addReadingTagsToEveryPage(count: Int, builds: () -> Bool = { true }) throws {
        let path = "templates/base.mustache"
        let original = text(path) ?? ""
        for _ in 0..<10 {
            var lines = original.components(separatedBy: "\n")
            let at = (lines.firstIndex(of: "{{{main}}}") ?? lines.count - 1) + 1
            var drawn: [(String, String)] = []
            for _ in 0..<count {
                let line = random.pick(readingTags)
                lines.insert(line, at: at)
                drawn.append((path, line))
            }
            try site.write(path, lines.joined(separator: "\n"))
            if builds() {
                inserted += drawn
                return
            }
        }
        try site.write(path, original)
    }

    /// A template or partial: a visible text or a reading tag inserted between two of its lines, or such a line taken out.
    func templateEdit() throws -> SiteEdit {
        var touched = Set<String>()
        if !inserted.isEmpty, random.below(4) == 0 {
            let index = random.below(inserted.count)
            let (path, line) = inserted.remove(at: index)
            var lines = (text(path) ?? "").components(separatedBy: "\n")
            if let at = lines.lastIndex(of: line) { lines.remove(at: at) }
            try write(path, lines.joined(separator: "\n"), touched: &touched)
            return SiteEdit(kind: .template, detail: "\(path): \(line) taken out", touched: touched)
        }
        let path = random.pick(files(below: "templates", endingWith: ".mustache"))
        var lines = (text(path) ?? "").components(separatedBy: "\n")
        let line = random.below(2) == 0 ? "<p>Inserted \(next())</p>" : random.pick(readingTags)
        let at = random.below(lines.count + 1)
        lines.insert(line, at: at)
        inserted.append((path, line))
        try write(path, lines.joined(separator: "\n"), touched: &touched)
        return SiteEdit(kind: .template, detail: "\(path): \(line) inserted at line \(at + 1)", touched: touched)
    }

    /// A static file of the content or of the templates' assets: changed, added or removed.
    func staticEdit() throws -> SiteEdit {
        var touched = Set<String>()
        let n = next()
        let inContent = random.below(2) == 0
        let existing = inContent ? staticFiles : files(below: "templates/assets")
        let choice = existing.isEmpty ? 3 : random.below(4)
        switch choice {
        case 0, 1:
            let path = random.pick(existing)
            try write(path, (text(path) ?? "") + "\n/* changed \(n) */\n", touched: &touched)
            return SiteEdit(kind: .staticFile, detail: "\(path) changed", touched: touched)
        case 2:
            let path = random.pick(existing)
            try remove(path, touched: &touched)
            return SiteEdit(kind: .staticFile, detail: "\(path) removed", touched: touched)
        default:
            let path = inContent ? random.pick(["content/files/note-\(n).txt", "content/note-\(n).txt"]) : "templates/assets/extra-\(n).css"
            try write(path, "/* added \(n) */\n", touched: &touched)
            return SiteEdit(kind: .staticFile, detail: "\(path) added", touched: touched)
        }
    }
}
