import Foundation
import Testing
@testable import SiteGen

/// The search index: what each document gives it, its files, the shards a query needs, and its bytes
/// being the same whatever the threads and after an edit.
struct SearchIndexTests {
    @Test func anEntryIsWhatTheReaderSees() {
        let entry = SearchEntry(url: "timeline/#x", kind: "e", title: "Albright visits",
                                html: "<p>Madeleine <em>Albright</em>s visit<sup class=\"footnote-ref\"><a href=\"#fn-1\">1</a></sup> to Bamako &amp; Kati.</p>\n<h2 id=\"a\">Talks</h2>\n",
                                headings: ["Talks"], date: "18 October 1999")
        #expect(entry.excerpt == "Madeleine Albrights visit to Bamako & Kati. Talks")
        let weights = Dictionary(uniqueKeysWithValues: entry.terms.map { ($0.term, $0.weight) })
        // In the title (10) and once in the text, "Albrights" stemmed as a plural.
        #expect(weights["albright"] == 11 && weights["albrights"] == nil)
        #expect(weights["visit"] == 11)
        #expect(weights["talk"] == 5)
        #expect(weights["1999"] == 1)
        #expect(weights["1"] == nil)
    }

    /// The tokenizer reads words from the HTML as it is; they are the words of the text `visibleText`
    /// makes of it, and the excerpt made from the text's beginning is the one made from all of it.
    @Test func wordsReadFromHTMLAreTheWordsOfItsText() {
        let long = String(repeating: "Konaré&nbsp;visits <em>Bamako</em>’s river,\n", count: 12)
        let pages = [
            "<p>Madeleine <em>Albright</em>s visit<sup class=\"footnote-ref\"><a href=\"#fn-1\">1</a></sup> to Bamako &amp; Kati.</p>",
            "<p>Keïta&#233;t&#x2014;MCC &unknown; a&b &#10;1960<br/>2012</p><table><tr><td>x1</td><td>y</td></tr></table>",
            "<h2 id=\"a\">Modibo KEÏTA</h2>\n<p>\(long)</p>\n<p>\(String(repeating: "é", count: 170)) end</p>",
            "<p>" + String(repeating: "word ", count: 40) + "<strong>bold</strong>text</p><p>" + String(repeating: "x", count: 200) + "</p>",
            "<pre><code>let a = b &lt; c</code></pre><p>Ünïcödé and \u{0301}marks</p><",
        ]
        for html in pages {
            let entry = SearchEntry(url: "a/", kind: "p", title: "", html: html, headings: [], date: "")
            var expected: [String: Int] = [:]
            for word in SearchText.words(in: String(decoding: SearchEntry.visibleText(html), as: UTF8.self)) {
                if let term = SearchText.term(word) { expected[term, default: 0] += 1 }
            }
            let terms = Dictionary(uniqueKeysWithValues: entry.terms.map { ($0.term, $0.weight) })
            #expect(terms == expected.mapValues { min($0, 52) }, "\(html)")
            #expect(entry.excerpt == SearchEntry.excerpt(of: SearchEntry.visibleText(html)), "\(html)")
        }
    }

    @Test func filesOfTwoDocuments() throws {
        let a = SearchEntry(url: "a/", kind: "p", title: "Visa", html: "<p>bond</p>", headings: [], date: "")
        let b = SearchEntry(url: "b/", kind: "c", title: "Bond", html: "<p>visa visa</p>", headings: [], date: "1960")
        let files = SearchIndex.files([a, b])
        let texts = Dictionary(uniqueKeysWithValues: try files.map { ($0.path, String(decoding: try $0.bytes(), as: UTF8.self)) })
        #expect(texts == [
            "search-index/head.js": "sitegenSearch.head({\"documents\":2,\"group\":32,\"shards\":[\"1\",\"b\",\"v\"]});\n",
            "search-index/d/0.js": "sitegenSearch.documents(0,[[\"a/\",\"Visa\",\"p\",\"\",\"bond\"],\n[\"b/\",\"Bond\",\"c\",\"1960\",\"visa visa\"]]);\n",
            "search-index/t/1.js": "sitegenSearch.shard(\"1\",{\"1960\":\"A1\"});\n",
            "search-index/t/b.js": "sitegenSearch.shard(\"b\",{\"bond\":\"A0J1\"});\n",
            "search-index/t/v.js": "sitegenSearch.shard(\"v\",{\"visa\":\"J0B1\"});\n",
        ])
    }

    @Test func shardsSplitByLettersAndAQueryLoadsOnlyItsOwn() {
        let postings = ["vi", "visa", "visit", "vote", "bond", "keita", "keïta"].map { (term: $0, postings: String(repeating: "A1", count: 20)) }
        let shards = SearchIndex.shards(postings, limit: 60)
        let keys = shards.keys.sorted()
        #expect(keys == ["b", "ke_", "kei", "vi", "vis", "vo"])
        #expect(shards["vi"]!.map(\.term) == ["vi"])
        #expect(shards["kei"]?.map(\.term) == ["keita"])
        #expect(shards["ke_"]?.map(\.term) == ["keïta"])
        // A term is in the shard with the longest name that begins its own.
        for (key, items) in shards {
            for item in items { #expect(SearchIndex.shardKeys(term: item.term, prefix: nil, among: keys) .last == key) }
        }
        #expect(SearchIndex.shardKeys(term: "visa", prefix: nil, among: keys) == ["vis"])
        #expect(SearchIndex.shardKeys(term: "vi", prefix: "vi", among: keys) == ["vi", "vis"])
        #expect(SearchIndex.shardKeys(term: "bond", prefix: "bo", among: keys) == ["b"])
        #expect(SearchIndex.shardKeys(term: "k", prefix: "k", among: keys) == ["ke_", "kei"])
        #expect(SearchIndex.shardKeys(term: "zebra", prefix: nil, among: keys) == [])
    }

    static func searchSite() throws -> TemporarySite {
        let site = try TemporarySite()
        let settings = try String(contentsOf: site.root.appendingPathComponent("content/site.yaml"), encoding: .utf8)
        try site.write("content/site.yaml", settings + "search: true\n")
        return site
    }

    @Test func theFixtureSitesIndex() throws {
        let site = try Self.searchSite()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let files = site.snapshot().mapValues { String(decoding: $0.0, as: UTF8.self) }
        let index = files.filter { $0.key.hasPrefix("search-index/") }
        #expect(index["search-index/head.js"]?.hasPrefix("sitegenSearch.head({\"documents\":7,") == true, "\(index["search-index/head.js"] ?? "")")
        let table = try #require(index["search-index/d/0.js"])
        #expect(table.contains("[\"timeline/#1960-09-24-relations\",\""))
        #expect(table.contains("[\"ambassadors/dean/\",\""))
        #expect(index.keys.allSatisfy { $0 == "search-index/head.js" || $0.hasPrefix("search-index/t/") || $0 == "search-index/d/0.js" })
        // Without the setting, no index.
        let plain = try TemporarySite()
        defer { plain.remove() }
        #expect(plain.build().succeeded)
        #expect(!plain.snapshot().keys.contains { $0.hasPrefix("search-index/") })
    }

    @Test func theSameBytesWhateverTheThreadsAndAnEditRewritesOnlyItsShards() throws {
        let site = try Self.searchSite()
        defer { site.remove() }
        for index in 0..<300 { try site.write("content/p\(index).md", "---\ntitle: Page \(index)\n---\n\nWords of page \(index): alpha beta gamma delta.\n") }
        #expect(site.build(output: "one", jobs: 1).succeeded)
        #expect(site.build(output: "four", jobs: 4).succeeded)
        let one = site.snapshot("one").filter { $0.key.hasPrefix("search-index/") }.mapValues(\.0)
        #expect(one == site.snapshot("four").filter { $0.key.hasPrefix("search-index/") }.mapValues(\.0))
        #expect(one.count > 10)
        let before = site.snapshot("one")
        Thread.sleep(forTimeInterval: 0.01)
        try site.write("content/p7.md", "---\ntitle: Page 7\n---\n\nWords of page 7: alpha beta gamma delta zebra.\n")
        #expect(site.build(output: "one", jobs: 1).succeeded)
        let after = site.snapshot("one")
        let changed = after.keys.filter { $0.hasPrefix("search-index/") && before[$0]?.1 != after[$0]?.1 }.sorted()
        // The new word's shard, the head that names it, and the group of the edited page's row.
        #expect(changed.count == 3 && changed.contains("search-index/head.js") && changed.contains("search-index/t/z.js"))
        #expect(changed.contains { $0.hasPrefix("search-index/d/") })
    }

    /// A rebuild in the same process (a preview server's) reads again only the documents that are new
    /// objects, or whose place in the site changed.
    @Test func aRebuildReadsOnlyTheReplacedDocuments() throws {
        let parser = DocumentParser(renderer: MarkdownRenderer(options: MarkdownOptions()),
                                    links: LinkResolver(markdownPaths: ["a.md", "b.md"], staticFiles: []))
        func document(_ path: String, _ text: String) throws -> Document {
            try #require(parser.parse(SourceFile(path: path, displayPath: "content/" + path, text: "---\ntitle: T\n---\n\n\(text)\n")).0)
        }
        let a = try document("a.md", "Alpha visits."), b = try document("b.md", "Beta.")
        let cache = SearchEntryCache()
        let place: @Sendable (Document) -> (url: String, kind: String, date: String) = { ($0.holderURL, "p", "") }
        let first = cache.entries(for: [a, b], jobs: 2, place: place)
        #expect(cache.readLast == 2)
        let edited = try document("b.md", "Beta bond.")
        let second = cache.entries(for: [a, edited], jobs: 2, place: place)
        #expect(cache.readLast == 1)
        #expect(second[0] == first[0])
        #expect(second[1].terms.contains { $0.term == "bond" })
        _ = cache.entries(for: [a, edited], jobs: 2) { ($0.holderURL, "p", $0.path == "a.md" ? "1960" : "") }
        #expect(cache.readLast == 1)
    }

    /// An index updated for edited entries (a preview server's) has the bytes of one made anew: terms
    /// gained, lost and weighing differently, a term's last page gone, shards split and joined again.
    @Test func anUpdatedIndexIsTheIndexMadeAnew() throws {
        let vocabulary = SearchVocabulary()
        let tokenizer = SearchTokenizer(vocabulary: vocabulary)
        let words = ["visa", "visit", "visitor", "vote", "bond", "bonds", "border", "keita", "keïta", "konare",
                     "treaty", "trade", "travel", "1960", "2012", "embassy", "embassies", "coup"]
        func entry(_ index: Int, _ text: String? = nil, title: String? = nil) -> SearchEntry {
            let text = text ?? (0..<(3 + index % 7)).map { words[(index * 7 + $0 * 5) % words.count] }.joined(separator: " ")
            return SearchEntry(url: "p\(index)/", kind: index % 3 == 0 ? "events" : "p", title: title ?? "Page \(index)",
                               html: "<p>\(text)</p>", headings: index % 5 == 0 ? ["Bond"] : [], date: "", tokenizer: tokenizer)
        }
        let limit = 400
        func made(_ entries: [SearchEntry], jobs: Int = 2) -> SearchIndexState { SearchIndexState(entries: entries, jobs: jobs, shardLimit: limit) }
        func bytes(_ state: SearchIndexState) throws -> [String: [UInt8]] {
            Dictionary(uniqueKeysWithValues: try state.files.map { ($0.path, try $0.bytes()) })
        }
        func shards(_ state: SearchIndexState) -> Set<String> { Set(state.files.map(\.path).filter { $0.hasPrefix("search-index/t/") }) }
        let before = (0..<320).map { entry($0) }
        let first = made(before)
        #expect(try bytes(first) == bytes(made(before, jobs: 1)))
        #expect(shards(first).contains("search-index/t/vis.js"))
        var after = before
        after[5] = entry(5, "zebra visa visa visa")   // a new term, a weight changed
        after[17] = entry(17, title: "Quiet")           // another title
        after[18] = entry(18, "quiet")                   // words gone
        after[319] = entry(319, "zebra")
        let updated = first.updated(to: after, jobs: 2)
        #expect(try bytes(updated) == bytes(made(after)))
        #expect(shards(updated).contains("search-index/t/z.js"))
        // Back again: the term only those pages had goes, and so does its shard.
        let back = updated.updated(to: before, jobs: 2)
        #expect(try bytes(back) == bytes(first))
        #expect(!shards(back).contains("search-index/t/z.js"))
        // Many pages of one word: its shard splits, and joins again when they go.
        var more = before
        for index in stride(from: 0, to: 320, by: 20) { more[index] = entry(index, "zebra zenith zeal zero zest zone zoo zinc") }
        let split = first.updated(to: more, jobs: 2)
        #expect(try bytes(split) == bytes(made(more)))
        #expect(shards(split).contains("search-index/t/ze.js") && !shards(split).contains("search-index/t/z.js"))
        #expect(try bytes(split.updated(to: before, jobs: 2)) == bytes(first))
    }
}
