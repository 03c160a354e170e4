import Foundation

/// The part of the resolve phase that works out what the declarations say of the items: each collection's
/// order, numbers, predecessors and successors, spans, the `during` and `references` relations, the inverses,
/// and the dated stream each folder page shows; and checks the references and the order.
struct RelationResolver {
    let collections: Collections
    private(set) var resolved: [String: ResolvedCollection] = [:]
    private(set) var items: [String: ItemFacts] = [:]
    private(set) var inverses: [String: [String: [String]]] = [:]

    init(collections: Collections) {
        self.collections = collections
    }

    mutating func resolve(_ published: [Document], byPath: [String: Document], failedToParse: (String) -> Bool,
                          diagnostics: inout DiagnosticList) {
        guard !collections.all.isEmpty else { return }
        var members: [String: [Document]] = [:]
        var lists: [String: Document] = [:]
        for document in published {
            guard let name = document.collection else { continue }
            if document.isList { lists[name] = lists[name] ?? document } else { members[name, default: []].append(document) }
        }
        // Order first, in every collection: the relations look items up in others' order.
        var ordered: [String: [ItemFacts]] = [:]
        for collection in collections.all {
            ordered[collection.name] = order(members[collection.name] ?? [], of: collection, diagnostics: &diagnostics)
        }
        for collection in collections.all {
            checkReferences(ordered[collection.name]!, of: collection, byPath: byPath, failedToParse: failedToParse, diagnostics: &diagnostics)
        }
        for collection in collections.all {
            relate(collection, ordered: &ordered)
        }
        for collection in collections.all {
            let facts = ordered[collection.name]!
            for item in facts { items[item.path] = item }
            let dates = collection.fields.filter { $0.type == .date }.map(\.name)
            let entries = stream(of: collection, ordered: ordered)
            var anchors: [String: String] = [:]
            for entry in entries {
                if let first = anchors.updateValue(entry.path, forKey: entry.id), let document = items[entry.path]?.document ?? ordered.values.lazy.flatMap({ $0 }).first(where: { $0.path == entry.path })?.document {
                    diagnostics.append(.error(document.source.displayPath, line: 1, column: 1,
                                              "its row on \(collection.folder)/ would have the anchor #\(entry.id), as \(first) has: give the merged collection an `anchor_prefix`"))
                }
            }
            resolved[collection.name] = ResolvedCollection(
                declaration: collection, items: facts.map(\.document), entries: entries,
                latest: facts.flatMap { item in dates.compactMap { item.document.fields[$0]?.date } }.max(),
                numberedCount: facts.count { $0.number != nil }, listPage: lists[collection.name])
        }
        citations(published, resolvedBy: ordered, diagnostics: &diagnostics)
        // Field inverses: each page's list of the items that name it, in the naming collection's order.
        for collection in collections.all {
            for field in collection.fields {
                guard let inverse = field.inverse else { continue }
                for item in ordered[collection.name]! {
                    for path in item.document.fields[field.name]?.references ?? [] where byPath[path]?.draft == false {
                        if inverses[path]?[inverse]?.last != item.path { inverses[path, default: [:]][inverse, default: []].append(item.path) }
                    }
                }
            }
        }
    }

    /// The citable collection's sources: on each, the documents citing it (`cited_by`, in path order); a source
    /// that nothing cites, or that a reader cannot follow (no `url` nor `archive_url`, and a kind that has one),
    /// is a warning.
    private mutating func citations(_ published: [Document], resolvedBy ordered: [String: [ItemFacts]], diagnostics: inout DiagnosticList) {
        guard let citable = collections.all.first(where: \.citable) else { return }
        var citing: [String: [String]] = [:]
        for document in published.sorted(by: { $0.path < $1.path }) {
            for key in document.citations { citing[key, default: []].append(document.path) }
        }
        for source in ordered[citable.name] ?? [] {
            let document = source.document, key = SitePath.fileStem(document.path)
            if let pages = citing[key] {
                inverses[document.path, default: [:]]["cited_by"] = pages
            } else {
                diagnostics.append(.warning(document.source.displayPath, line: 1, column: 1, "no page cites this source (cite it as [^@\(key)], or remove it)"))
            }
            let address = ["url", "archive_url"].contains { if case .text(let value)? = document.fields[$0] { !value.isEmpty } else { false } }
            let kind = document.fields["kind"]?.plainText ?? ""
            if !address, !SourceRegistry.kindsWithoutAddress.contains(kind) {
                let location = document.fieldLocations["kind"] ?? SourceLocation(line: 1, column: 1)
                diagnostics.warning(document.source.displayPath, location,
                                    "a reader cannot follow this source: give it `url` or `archive_url` (or a kind that has none: \(SourceRegistry.kindsWithoutAddress.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// A collection's items in its order, with their starts, ends, numbers and neighbours.
    private func order(_ documents: [Document], of collection: ContentCollection, diagnostics: inout DiagnosticList) -> [ItemFacts] {
        var dated: [(Document, PartialDate?)] = []
        for document in documents {
            let startField = collection.start.first { document.fields[$0]?.date != nil }
            let start = startField.flatMap { document.fields[$0]?.date }
            if collection.order == .start, start == nil {
                let names = collection.start.map { "`\($0)`" }.joined(separator: " or ")
                diagnostics.append(.error(document.source.displayPath, line: 1, column: 1,
                                          "an item of `\(collection.name)` needs \(names) to be placed in order"))
                continue
            }
            if let start, let end = collection.end, let ends = document.fields[end]?.date, ends.latest < start.earliest {
                let location = document.fieldLocations[end] ?? SourceLocation(line: 1, column: 1)
                diagnostics.error(document.source.displayPath, location, "`\(end)` (\(ends)) is before the start (\(start))")
            }
            dated.append((document, start))
        }
        switch collection.order {
        case .start:
            dated.sort { ($0.1!, $0.0.path) < ($1.1!, $1.0.path) }
        case .title:
            dated.sort { ($0.0.title, $0.0.path) < ($1.0.title, $1.0.path) }
        case .path:
            dated.sort { $0.0.path < $1.0.path }
        case .field(let name):
            dated.sort { a, b in
                switch (a.0.fields[name], b.0.fields[name]) {
                case (nil, nil): return a.0.path < b.0.path
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?):
                    if x == y { return a.0.path < b.0.path }
                    return Self.precedes(x, y)
                }
            }
        }
        var facts: [ItemFacts] = []
        var number = 0
        for (index, (document, start)) in dated.enumerated() {
            let numbered = collection.numbered?.holds(for: document) ?? false
            if numbered { number += 1 }
            let next = index + 1 < dated.count ? dated[index + 1] : nil
            let ownEnd = collection.end.flatMap { document.fields[$0]?.date }
            let nextStart = collection.lastsUntilNext ? next?.1 : nil
            facts.append(ItemFacts(
                document: document, collection: collection.name, position: index, start: start,
                end: ownEnd ?? nextStart, endIsNextStart: ownEnd == nil && nextStart != nil,
                number: numbered ? number : nil,
                previous: index > 0 ? dated[index - 1].0.path : nil, next: next?.0.path))
            if collection.lastsUntilNext, let next, let nextStart = next.1, let ownEnd, nextStart.latest < ownEnd.earliest {
                let field = collection.start.first { next.0.fields[$0]?.date != nil }
                let location = field.flatMap { next.0.fieldLocations[$0] } ?? SourceLocation(line: 1, column: 1)
                diagnostics.warning(next.0.source.displayPath, location,
                                    "starts (\(nextStart)) before the previous item of `\(collection.name)`, \(document.title), ends (\(ownEnd))")
            }
        }
        return facts
    }

    /// Whether field value `a` sorts before `b`: dates in time, numbers by value, the rest as text.
    static func precedes(_ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (a, b) {
        case (.date(let x), .date(let y)): x < y
        case (.number(let x), .number(let y)): x < y
        default: (a.plainText ?? a.description) < (b.plainText ?? b.description)
        }
    }

    /// Each reference names a published document of the right kind.
    private func checkReferences(_ facts: [ItemFacts], of collection: ContentCollection, byPath: [String: Document],
                                 failedToParse: (String) -> Bool, diagnostics: inout DiagnosticList) {
        for field in collection.fields where field.type.isReference {
            var wanted = field.type
            if case .list(let element) = wanted { wanted = element[0] }
            for item in facts {
                for (index, path) in (item.document.fields[field.name]?.references ?? []).enumerated() {
                    let document = item.document
                    let location = document.fieldLocations["\(field.name)#\(index)"] ?? document.fieldLocations[field.name] ?? SourceLocation(line: 1, column: 1)
                    guard let target = byPath[path] else {
                        if failedToParse(path) { continue }
                        let example: String
                        if case .item(let name) = wanted, let folder = collections[name]?.folder { example = "\(folder)/NAME.md" } else { example = "about.md" }
                        diagnostics.error(document.source.displayPath, location, "`\(field.name)` names \(path), which does not exist (paths are from the content folder, such as \(example))\(SiteResolver.pathSuggestion(path, in: byPath.keys))")
                        continue
                    }
                    if target.draft {
                        diagnostics.error(document.source.displayPath, location, "`\(field.name)` names \(path), which is a draft")
                    } else if case .item(let name) = wanted, !(target.isItem && target.collection == name) {
                        diagnostics.error(document.source.displayPath, location, "`\(field.name)` names \(path), which is not an item of `\(name)`")
                    } else if wanted == .page, !target.hasOwnPage {
                        diagnostics.error(document.source.displayPath, location, "`\(field.name)` names \(path), an item of `\(target.collection ?? "")` shown only on its folder's page; name pages here")
                    }
                }
            }
        }
    }

    /// The relations a collection declares, on its items, and the inverses on the other collection's.
    private mutating func relate(_ collection: ContentCollection, ordered: inout [String: [ItemFacts]]) {
        for relation in collection.relations {
            switch relation {
            case .during(let name, let other, let inverse, _):
                guard let target = collections[other], let spans = ordered[other] else { continue }
                let latest = target.fields.filter { $0.type == .date }.map(\.name)
                let record = spans.flatMap { item in latest.compactMap { item.document.fields[$0]?.date } }.max()
                let positions = Dictionary(uniqueKeysWithValues: spans.enumerated().map { ($1.path, $0) })
                for index in ordered[collection.name]!.indices {
                    let item = ordered[collection.name]![index]
                    guard let date = item.start, let match = Site.item(of: target, in: spans, on: date) else { continue }
                    let open = match.next == nil && (target.end.flatMap { match.document.fields[$0] } == nil)
                    let after = open && record.map { date.earliest > $0.latest } == true
                    ordered[collection.name]![index].during[name] = (match.path, after)
                    if let inverse, let position = positions[match.path] {
                        ordered[other]![position].lists[inverse, default: []].append(item.path)
                    }
                }
            case .references(let name, let fields, let exceptLinked, let except, _):
                for index in ordered[collection.name]!.indices {
                    let item = ordered[collection.name]![index]
                    var excluded: Set<String> = []
                    if exceptLinked {
                        for (_, target) in item.document.internalLinks { if case .content(let path, _) = target { excluded.insert(path) } }
                    }
                    for other in except {
                        if let match = item.during[other] { excluded.insert(match.path) }
                        for path in item.lists[other] ?? [] { excluded.insert(path) }
                    }
                    ordered[collection.name]![index].lists[name] = fields.flatMap { item.document.fields[$0]?.references ?? [] }
                        .filter { !excluded.contains($0) }
                }
            }
        }
    }

    /// The rows of a collection's folder page: its items and the merged collections', by date (on the same
    /// date, in the order the collections are named, then by path), or in the collection's order when it
    /// has no dates.
    private func stream(of collection: ContentCollection, ordered: [String: [ItemFacts]]) -> [StreamEntry] {
        var entries = streamInOrder(of: collection, ordered: ordered)
        if case .field(let field) = collection.grouping {
            for index in entries.indices {
                let document = items[entries[index].path]?.document ?? ordered.values.lazy.flatMap { $0 }.first { $0.path == entries[index].path }?.document
                entries[index].groupLabel = field == "title" ? document?.title : document?.fields[field]?.plainText
            }
        }
        return collection.descending ? entries.reversed() : entries
    }

    private func streamInOrder(of collection: ContentCollection, ordered: [String: [ItemFacts]]) -> [StreamEntry] {
        var entries = (ordered[collection.name] ?? []).map {
            StreamEntry(path: $0.path, collection: collection.name, id: SitePath.fileStem($0.path), date: $0.start, title: $0.document.title)
        }
        guard !collection.merged.isEmpty else { return entries }
        for merged in collection.merged {
            for item in ordered[merged.collection] ?? [] where item.start != nil || !collection.isDated {
                entries.append(StreamEntry(path: item.path, collection: merged.collection,
                                           id: merged.anchorPrefix + SitePath.fileStem(item.path), date: item.start,
                                           title: item.document.title))
            }
        }
        let rank = Dictionary(uniqueKeysWithValues: ([collection.name] + collection.merged.map(\.collection)).enumerated().map { ($1, $0) })
        return entries.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.date != y.date {
                guard let first = x.date else { return false }
                guard let second = y.date else { return true }
                return first < second
            }
            if x.collection != y.collection { return rank[x.collection]! < rank[y.collection]! }
            return collection.isDated ? x.path < y.path : a.offset < b.offset
        }.map(\.element)
    }
}

/// Rows of a folder page grouped by decade, year, month or first letter, in order.
struct StreamGroup {
    var id: String
    var label: String
    var entries: [StreamEntry]

    static func groups(of entries: [StreamEntry], by grouping: ContentCollection.Grouping) -> [StreamGroup] {
        var groups: [StreamGroup] = []
        var entries = entries
        switch grouping {
        case .field:
            // Groups in the order of their labels, each group's rows in the stream's order (a stable sort).
            entries = entries.enumerated().sorted { ($0.element.groupLabel ?? "\u{10FFFF}", $0.offset) < ($1.element.groupLabel ?? "\u{10FFFF}", $1.offset) }.map(\.element)
        case .letter:
            // Digits, then A to Z (a letter with a diacritic under its base letter), then the rest.
            entries = entries.enumerated().sorted { (letterRank($0.element.title), $0.offset) < (letterRank($1.element.title), $1.offset) }.map(\.element)
        default:
            break
        }
        for entry in entries {
            let (id, label) = key(of: entry, by: grouping)
            if groups.last?.id != id { groups.append(StreamGroup(id: id, label: label, entries: [])) }
            groups[groups.count - 1].entries.append(entry)
        }
        return groups
    }

    private static func key(of entry: StreamEntry, by grouping: ContentCollection.Grouping) -> (String, String) {
        if grouping == .letter {
            switch letterRank(entry.title) {
            case 0: return ("letter-digits", "0–9")
            case 27: return ("letter-other", "Other")
            case let rank: let letter = String(UnicodeScalar(UInt8(64 + rank))); return ("letter-" + letter.lowercased(), letter)
            }
        }
        if case .field = grouping {
            guard let label = entry.groupLabel else { return ("group-other", "Other") }
            return ("group-" + slug(label), label)
        }
        guard let date = entry.date else { return ("undated", "Undated") }
        switch grouping {
        case .decade:
            let start = date.year / 10 * 10
            return ("decade-\(start)s", "\(start)s")
        case .year:
            return ("year-\(date.year)", "\(date.year)")
        case .month:
            guard let month = date.month else { return ("year-\(date.year)", "\(date.year)") }
            return ("month-\(date.year)-\(String(twoDigits: month))", "\(PartialDate.monthNames[month - 1]) \(date.year)")
        case .letter, .field:
            return ("", "")
        }
    }

    /// 0 for a title starting with a digit, 1 to 26 for A to Z (diacritics and case folded: É is E), 27 else.
    static func letterRank(_ title: String) -> Int {
        guard let first = title.first else { return 27 }
        if first.isNumber { return 0 }
        let folded = String(first).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).unicodeScalars
        guard folded.count == 1, let scalar = folded.first, ("a"..."z").contains(scalar) else { return 27 }
        return Int(scalar.value) - 96
    }

    /// An id made of a label: lowercase letters and digits, other runs as one `-`.
    static func slug(_ label: String) -> String {
        var slug = ""
        for scalar in label.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) { slug.unicodeScalars.append(scalar) } else if !slug.hasSuffix("-") { slug += "-" }
        }
        let trimmed = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "other" : trimmed
    }
}
