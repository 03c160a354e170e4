/// What a page can read of the site, as digests: each published document with everything the resolve phase
/// worked out for it, each collection's list, and which addresses have pages. A page whose recorded reads
/// (`RenderContext`) have the digests they had when it was rendered, with the same templates, settings and
/// executable, renders to the same bytes; so `build` and `serve` render again exactly the pages whose reads
/// changed (`RenderPlan`), whatever the templates show.
struct ReadDigests: Sendable, Equatable {
    /// Published documents (pages and items) by path: all but their HTML.
    var documents: [String: ContentDigest] = [:]
    /// Their HTML (`body` and its parts).
    var texts: [String: ContentDigest] = [:]
    /// Collections by name.
    var collections: [String: ContentDigest] = [:]
    /// The addresses that have a page.
    var pageAddresses = ContentDigest(high: 0, low: 0)

    init() {}

    /// - Parameter parses: the digests of the documents' parses as the parse phase kept them (`ParsedPage`);
    ///   those of a document not there are made now.
    init(site: Site, jobs: Int, parses: [String: DocumentDigests] = [:]) {
        var paths = Array(site.pagesByPath.keys)
        paths += site.items.keys.filter { site.pagesByPath[$0] == nil }
        let digests = Parallel.map(paths, jobs: jobs) { path in
            let document = site.document(at: path)!
            let parse = parses[path] ?? DocumentDigests(document)
            return (Self.digest(of: document, parse: parse.parse, in: site), parse.text)
        }
        documents = Dictionary(uniqueKeysWithValues: zip(paths, digests.map(\.0)))
        texts = Dictionary(uniqueKeysWithValues: zip(paths, digests.map(\.1)))
        for (name, collection) in site.collections { collections[name] = Self.digest(of: collection) }
        pageAddresses = ContentDigest(site.pagesByURL.keys.sorted().joined(separator: "\n"))
    }

    /// Everything a template can be handed of `document` (`ItemValues`) but its text: the document as the parse
    /// gave it (`parse`: the digest of the parse store's encoding without the HTML, which holds every property:
    /// the store's round-trip test sees to that), where it is shown, and what the resolve phase worked out for it.
    static func digest(of document: Document, parse: ContentDigest, in site: Site) -> ContentDigest {
        var text = ""
        text.reserveCapacity(256)
        func add(_ part: String?) { text += part.map { "\($0.utf8.count):\($0)" } ?? "-" }
        add(document.holderURL)
        add(document.hasOwnPage ? "own" : "shared")
        if let facts = site.items[document.path] {
            add(String(facts.position))
            add(facts.start?.description)
            add(facts.end?.description)
            add(facts.endIsNextStart ? "next" : "own")
            add(facts.number.map { String($0) })
            add(facts.previous)
            add(facts.next)
            for (name, match) in facts.during.sorted(by: { $0.key < $1.key }) {
                add(name)
                add(match.path)
                add(match.afterRecord ? "after" : "within")
            }
            for (name, paths) in facts.lists.sorted(by: { $0.key < $1.key }) {
                add(name)
                add(paths.joined(separator: "\n"))
            }
        }
        for (name, paths) in (site.inverses[document.path] ?? [:]).sorted(by: { $0.key < $1.key }) {
            add(name)
            add(paths.joined(separator: "\n"))
        }
        add((site.linkedFrom[document.path] ?? []).joined(separator: "\n"))
        return ContentDigest(parse.hex + text)
    }

    /// A collection's list as `ListValues` hands it out: its items in order, its stream's rows, its counts.
    static func digest(of collection: ResolvedCollection) -> ContentDigest {
        var text = collection.name + "\n" + (collection.listPage?.path ?? "-") + "\n" + String(collection.numberedCount) + "\n"
            + (collection.latest?.description ?? "-") + "\n"
        for item in collection.items { text += item.path + "\n" }
        for entry in collection.entries {
            text += [entry.path, entry.collection, entry.id, entry.date?.description ?? "-", entry.title, entry.groupLabel ?? "-"]
                .map { "\($0.utf8.count):\($0)" }.joined() + "\n"
        }
        return ContentDigest(text)
    }
}

/// The change planner of the render phase: which pages to render again, from what each page read when it was
/// last rendered and what changed in what it read.
enum RenderPlan {
    /// The paths of `pages` to render again: those with no recorded reads (new, or never rendered), and those
    /// that read a document, a collection or the set of addresses whose digest is not what it was.
    static func pagesToRender(_ pages: [Document], reads: [String: some PageReadSet], before: ReadDigests, now: ReadDigests) -> Set<String> {
        var changedDocuments = Set<String>(), changedTexts = Set<String>(), changedCollections = Set<String>()
        for (path, digest) in now.documents where before.documents[path] != digest { changedDocuments.insert(path) }
        for path in before.documents.keys where now.documents[path] == nil { changedDocuments.insert(path) }
        for (path, digest) in now.texts where before.texts[path] != digest { changedTexts.insert(path) }
        for path in before.texts.keys where now.texts[path] == nil { changedTexts.insert(path) }
        for (name, digest) in now.collections where before.collections[name] != digest { changedCollections.insert(name) }
        for name in before.collections.keys where now.collections[name] == nil { changedCollections.insert(name) }
        return pagesReading(pages, reads: reads, changed: ChangedReads(documents: changedDocuments, texts: changedTexts,
                                                                       collections: changedCollections,
                                                                       addresses: before.pageAddresses != now.pageAddresses))
    }

    /// The paths of `pages` that have no recorded reads, or read one of these documents, texts or collections
    /// (or which addresses have pages). A preview server that knows what an edit changed asks this directly.
    static func pagesReading(_ pages: [Document], reads: [String: some PageReadSet], changed: ChangedReads) -> Set<String> {
        var render = Set<String>()
        for page in pages {
            guard let read = reads[page.path] else {
                render.insert(page.path)
                continue
            }
            if read.readsAny(of: changed) {
                render.insert(page.path)
            }
        }
        return render
    }
}
