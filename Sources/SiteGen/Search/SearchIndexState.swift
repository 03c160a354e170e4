import Foundation

/// The search index as made from a list of entries: every term's postings encoded, the shards and the
/// table's groups as bytes. A preview server keeps the last one, so that after an edit only the terms the
/// changed entries gained, lost or weigh differently are encoded again, and only the shards that hold them
/// and the entries' groups made again: the same bytes as an index made anew from the same entries.
struct SearchIndexState: Sendable {
    let vocabulary: SearchVocabulary
    private(set) var entries: [SearchEntry]
    /// By term number: the term, what names its shards, its encoded postings (empty: in no document).
    private var terms: [String] = []
    private var shardTerms: [SearchIndex.ShardTerm] = []
    private var postings: [[UInt8]] = []
    /// One-letter key → the terms with postings that begin there, in term order; the shards they fill.
    private var groups: [String: [UInt32]] = [:]
    private var groupShards: [String: [String]] = [:]
    /// Shard name → its terms in order, and its file.
    private var shardMembers: [String: [UInt32]] = [:]
    private var shardFiles: [String: [UInt8]] = [:]
    /// The document table, by group.
    private var tableFiles: [[UInt8]] = []
    private let shardLimit: Int

    /// An index made anew.
    init(entries: [SearchEntry], jobs: Int, shardLimit: Int = SearchIndex.shardLimit) {
        self.shardLimit = shardLimit
        // Entries made apart (each with a vocabulary of its own) are numbered in one.
        let vocabulary = entries.first?.vocabulary ?? SearchVocabulary()
        self.vocabulary = vocabulary
        self.entries = entries.contains { $0.vocabulary !== vocabulary } ? entries.map { $0.renumbered(in: vocabulary) } : entries
        learnTerms()
        postings = SearchIndex.encodedPostings(self.entries, terms: terms.count, jobs: jobs)
        let live = (0..<UInt32(terms.count)).filter { !postings[Int($0)].isEmpty }
            .sorted { terms[Int($0)] < terms[Int($1)] }
        for number in live { groups[shardTerms[Int(number)].key(1), default: []].append(number) }
        let firsts = Array(groups.keys)
        let made = Parallel.map(firsts, jobs: jobs) { [self] first in
            layout(of: first).map { shard in (shard.key, shard.items, shardFile(shard.key, shard.items)) }
        }
        for (first, shards) in zip(firsts, made) {
            for (key, members, bytes) in shards {
                shardMembers[key] = members
                shardFiles[key] = bytes
            }
            groupShards[first] = shards.map(\.0).sorted()
        }
        let group = SearchIndex.groupSize(documents: self.entries.count)
        let starts = Array(stride(from: 0, to: self.entries.count, by: group))
        tableFiles = Parallel.map(starts, jobs: jobs) { [entries = self.entries] start in
            SearchIndex.tableFile(entries[start..<min(entries.count, start + group)], group: start / group)
        }
    }

    /// The index of `entries`, made from this one.
    func updated(to newEntries: [SearchEntry], jobs: Int) -> SearchIndexState {
        var state = self
        state.update(to: newEntries, jobs: jobs)
        return state
    }

    /// Becomes the index of `newEntries`: updated where they are as many, in the same vocabulary, and most
    /// are the same; otherwise made anew.
    mutating func update(to newEntries: [SearchEntry], jobs: Int) {
        guard newEntries.count == entries.count, newEntries.allSatisfy({ $0.vocabulary === vocabulary }) else {
            self = SearchIndexState(entries: newEntries, jobs: jobs, shardLimit: shardLimit)
            return
        }
        let changed = newEntries.indices.filter { newEntries[$0] != entries[$0] }
        if changed.isEmpty { return }
        // Past a few, decoding the lists they change costs more than encoding every list once.
        if changed.count * 16 > entries.count {
            self = SearchIndexState(entries: newEntries, jobs: jobs, shardLimit: shardLimit)
            return
        }
        let old = entries
        entries = newEntries
        learnTerms()
        // Each term whose weight in a changed document differs: the documents and their new weights (0: none).
        var edits: [UInt32: [(document: Int, weight: Int)]] = [:]
        for document in changed {
            var before: [UInt32: Int] = [:], after: [UInt32: Int] = [:]
            for packed in old[document].packedTerms { before[SearchEntry.number(packed)] = SearchEntry.weight(packed) }
            for packed in newEntries[document].packedTerms { after[SearchEntry.number(packed)] = SearchEntry.weight(packed) }
            for (number, weight) in after where before[number] != weight { edits[number, default: []].append((document, weight)) }
            for (number, _) in before where after[number] == nil { edits[number, default: []].append((document, 0)) }
        }
        var touchedGroups = Set<String>()
        for (number, documents) in edits {
            let index = Int(number)
            let wasLive = !postings[index].isEmpty
            var list = SearchIndex.decodedPostings(postings[index])
            for (document, weight) in documents {
                let at = Self.firstIndex(in: list) { $0.document >= document }
                let present = at < list.count && list[at].document == document
                if weight == 0 {
                    if present { list.remove(at: at) }
                } else if present {
                    list[at].weight = weight
                } else {
                    list.insert((document, weight), at: at)
                }
            }
            postings[index] = SearchIndex.encoded(list)
            let first = shardTerms[index].key(1)
            touchedGroups.insert(first)
            let isLive = !list.isEmpty
            if wasLive != isLive {
                var members = groups.removeValue(forKey: first) ?? []
                let term = terms[index]
                let at = Self.firstIndex(in: members) { terms[Int($0)] >= term }
                if isLive { members.insert(number, at: at) } else { members.remove(at: at) }
                if !members.isEmpty { groups[first] = members }
            }
        }
        // A touched group's shards are laid out again; a shard with the same terms, none of them edited,
        // keeps its file.
        for first in touchedGroups {
            let shards = layout(of: first)
            let keys = Set(shards.map(\.key))
            for key in groupShards[first] ?? [] where !keys.contains(key) {
                shardMembers[key] = nil
                shardFiles[key] = nil
            }
            for (key, members) in shards where shardMembers[key] != members || members.contains(where: { edits[$0] != nil }) {
                shardMembers[key] = members
                shardFiles[key] = shardFile(key, members)
            }
            groupShards[first] = keys.isEmpty ? nil : keys.sorted()
        }
        let group = SearchIndex.groupSize(documents: newEntries.count)
        for table in Set(changed.map { $0 / group }) {
            tableFiles[table] = SearchIndex.tableFile(newEntries[(table * group)..<min(newEntries.count, (table + 1) * group)], group: table)
        }
    }

    /// The index's files, in path order.
    var files: [OutputFile] {
        let keys = shardFiles.keys.sorted()
        var files = [OutputFile(path: SearchIndex.folder + "head.js", contents: .bytes(SearchIndex.headFile(documents: entries.count, shardKeys: keys)))]
        for (group, bytes) in tableFiles.enumerated() { files.append(OutputFile(path: SearchIndex.folder + "d/\(group).js", contents: .bytes(bytes))) }
        for key in keys { files.append(OutputFile(path: SearchIndex.folder + "t/\(key).js", contents: .bytes(shardFiles[key]!))) }
        return files.sorted { $0.path < $1.path }
    }

    /// Numbers the vocabulary gave since the last call, known here with empty postings.
    private mutating func learnTerms() {
        let new = vocabulary.terms(from: terms.count)
        guard !new.isEmpty else { return }
        for term in new { shardTerms.append(SearchIndex.ShardTerm(term)) }
        postings += [[UInt8]](repeating: [], count: new.count)
        terms += new
    }

    /// The shards of one one-letter group: their names and terms.
    private func layout(of first: String) -> [(key: String, items: [UInt32])] {
        guard let members = groups[first] else { return [] }
        return SearchIndex.layout(members, key: first, terms: { shardTerms[Int($0)] },
                                  size: { terms[Int($0)].utf8.count + postings[Int($0)].count + 6 }, limit: shardLimit)
    }

    private func shardFile(_ key: String, _ members: [UInt32]) -> [UInt8] {
        SearchIndex.shardFile(key: key, terms: members.map { (terms[Int($0)], postings[Int($0)]) })
    }

    /// The first index of a sorted array whose element `isAtOrAfter` holds for (a binary search).
    private static func firstIndex<Element>(in array: [Element], _ isAtOrAfter: (Element) -> Bool) -> Int {
        var low = 0, high = array.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(array[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
