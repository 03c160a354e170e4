import Testing
@testable import SiteGen

struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    @Test func headingsGetGitHubStyleIDsUniqueWithinThePage() {
        let result = renderer.render("# Hello, *World*!\n\n## Hello World\n\n## Hello world\n\n### `code` & C++\n")
        #expect(result.headings == [
            Heading(level: 1, text: "Hello, World!", id: "hello-world"),
            Heading(level: 2, text: "Hello World", id: "hello-world-1"),
            Heading(level: 2, text: "Hello world", id: "hello-world-2"),
            Heading(level: 3, text: "code & C++", id: "code--c"),
        ])
        #expect(result.html == """
            <h1 id="hello-world">Hello, <em>World</em>!</h1>
            <h2 id="hello-world-1">Hello World</h2>
            <h2 id="hello-world-2">Hello world</h2>
            <h3 id="code--c"><code>code</code> &amp; C++</h3>

            """)
    }

    /// GitHub's rules as first written here: lower the whole text, then keep scalars by their properties.
    static func referenceSlug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " {
                slug.append("-")
            } else if scalar == "-" || scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.generalCategory == .nonspacingMark {
                slug.unicodeScalars.append(scalar)
            }
        }
        return slug
    }

    @Test func slugsOfEveryScriptMatchTheReferenceRules() {
        // Letters that change or grow when lowered (İ, the Kelvin sign, Σ, Ǆ, Ａ), marks, digits of other
        // scripts and numerals (٣, Ⅻ, ½), and what is dropped (punctuation, symbols, emoji).
        let pieces = ["A", "z", "7", " ", "-", "_", ".", "'", "(", "É", "é", "ß", "İ", "\u{212A}", "Σ", "ς", "Ǆ", "Ａ", "ı",
                      "e\u{301}", "\u{301}", "日本", "한", "٣", "Ⅻ", "½", "—", "“", "☆", "🇲🇱", "👩‍👩‍👧", "\u{200D}", "\t", "ǅ", "ﬁ", "Ĕ"]
        var random = SplitMix64(seed: 7)
        var texts = ["Modibo Keïta's visit (1961)", "U.S.–Africa Leaders Summit", "Économie été — “quoted” it's 3", "İSTANBUL Kelvin \u{212A}"]
        for _ in 0..<2_000 {
            texts.append((0..<Int.random(in: 1...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
        for text in texts {
            #expect(HeadingSlugger.slug(text) == Self.referenceSlug(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        // One slugger for all of them, as for the headings of one page: its remembered verdicts are reused,
        // and pushed out by scalars that share their slot: — U+2014 (dropped) and Ĕ U+0114 (lowered) share one.
        var slugger = HeadingSlugger()
        for text in texts + texts.reversed() {
            #expect(slugger.slug(text) == Self.referenceSlug(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func idsAreUniqueByTheirBytes() {
        var slugger = HeadingSlugger()
        #expect(slugger.uniqueID(for: "Économie") == "économie")
        #expect(slugger.uniqueID(for: "économie") == "économie-1")
        // The same letters spelled with a combining accent are another id for a browser, and here.
        #expect(slugger.uniqueID(for: "E\u{301}conomie") == "e\u{301}conomie")
        #expect(slugger.uniqueID(for: "経済 3") == "経済-3")
        #expect(slugger.uniqueID(for: "経済") == "経済")
        #expect(slugger.uniqueID(for: "経済") == "経済-1")
        #expect(slugger.uniqueID(for: "経済-1") == "経済-1-1")
    }

    @Test func slugKeepsLettersOfAnyScriptAndDropsPunctuation() {
        #expect(HeadingSlugger.slug("Modibo Keïta's visit (1961)") == "modibo-keïtas-visit-1961")
        #expect(HeadingSlugger.slug("U.S.–Africa Leaders Summit") == "usafrica-leaders-summit")
        var slugger = HeadingSlugger(reserved: ["term"])
        #expect(slugger.uniqueID(for: "Term") == "term-1")
        #expect(slugger.uniqueID(for: "Term") == "term-2")
    }

    @Test func repeatedHeadingsGetNumberedIDs() {
        let markdown = "# A\n\n# A\n\n## B\n"
        #expect(renderer.render(markdown).html == "<h1 id=\"a\">A</h1>\n<h1 id=\"a-1\">A</h1>\n<h2 id=\"b\">B</h2>\n")
    }

    @Test func linksAreListedWithTheirSourcePositionsAndCanBeRewritten() {
        let markdown = "Intro line.\n\nSee [History](history.md#cold-war) and ![map](map.png), or www.example.com.\n"
        let result = renderer.render(markdown, lineOffset: 4) { link in
            link.destination.hasSuffix(".md#cold-war") ? "../history/#cold-war" : nil
        }
        #expect(result.links == [
            LinkReference(destination: "history.md#cold-war", location: SourceLocation(line: 7, column: 5), isImage: false),
            LinkReference(destination: "map.png", location: SourceLocation(line: 7, column: 40), isImage: true),
            // cmark-gfm's autolink extension reports the column before the `w`; only external links get it.
            LinkReference(destination: "http://www.example.com", location: SourceLocation(line: 7, column: 59), isImage: false),
        ])
        #expect(result.html == "<p>Intro line.</p>\n<p>See <a href=\"../history/#cold-war\">History</a> and <img src=\"map.png\" alt=\"map\" />, or <a href=\"http://www.example.com\">www.example.com</a>.</p>\n")
    }

    @Test func footnotesRenderAsANotesSection() {
        let html = renderer.render("Fact.[^src]\n\n[^src]: A source.\n").html
        #expect(html == """
            <p>Fact.<sup class="footnote-ref"><a href="#fn-src" id="fnref-src" data-footnote-ref>1</a></sup></p>
            <section class="footnotes" data-footnotes>
            <ol>
            <li id="fn-src">
            <p>A source. <a href="#fnref-src" class="footnote-backref" data-footnote-backref aria-label="Back to content">↩</a></p>
            </li>
            </ol>
            </section>

            """)
    }

    @Test func gfmExtensionsAreOn() {
        let html = renderer.render("~~gone~~\n\n- [x] done\n\n| a |\n|---|\n| 1 |\n").html
        #expect(html.contains("<del>gone</del>"))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"))
        #expect(html.contains("<td>1</td>"))
    }

    @Test func rawHTMLIsDroppedUnlessAskedFor() {
        let markdown = "<script>alert(1)</script>\n\nText <b>bold</b>\n"
        #expect(renderer.render(markdown).html == "<!-- raw HTML omitted -->\n<p>Text <!-- raw HTML omitted -->bold<!-- raw HTML omitted --></p>\n")
        let unsafe = MarkdownRenderer(options: MarkdownOptions(unsafeHTML: true))
        // The tag filter still disarms <script> when raw HTML is on.
        #expect(unsafe.render(markdown).html == "&lt;script>alert(1)&lt;/script>\n<p>Text <b>bold</b></p>\n")
    }

    @Test func rawHeadingTagsInUnsafeModeKeepTheirOwnAttributes() {
        let unsafe = MarkdownRenderer(options: MarkdownOptions(unsafeHTML: true))
        let result = unsafe.render("<h2>Raw</h2>\n\n## Real\n\nText <h3>inline</h3>\n")
        #expect(result.headings.map(\.id) == ["real"])
        #expect(result.html == "<h2>Raw</h2>\n<h2 id=\"real\">Real</h2>\n<p>Text <h3>inline</h3></p>\n")
    }

    @Test func smartPunctuationCanBeSwitchedOff() {
        #expect(renderer.render("\"Don't\" -- go...").html == "<p>“Don’t” – go…</p>\n")
        let plain = MarkdownRenderer(options: MarkdownOptions(smartPunctuation: false))
        #expect(plain.render("\"Don't\" -- go...").html == "<p>&quot;Don't&quot; -- go...</p>\n")
    }

    /// A document above the arena's limit is parsed with cmark's own allocator and freed as cmark goes: the
    /// same HTML, headings and links, by both ways of giving headings ids.
    @Test func aLargeDocumentRendersAsInTheArena() {
        let documents = [
            "# Title\n\nText with [a link](history.md#x) and a note.[^n]\n\n## Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^n]: The note.\n",
            "<h2>Raw</h2>\n\n## Real\n\nText <h3>inline</h3> [x](y.md)\n\n### Real\n",
            "No headings at all, ~~struck~~ and https://example.org.\n",
        ]
        for options in [MarkdownOptions.site, MarkdownOptions(unsafeHTML: true)] {
            let inArena = MarkdownRenderer(options: options)
            let freedAsItGoes = MarkdownRenderer(options: options, arenaLimit: 0)
            for markdown in documents {
                let expected = inArena.render(markdown, lineOffset: 3), found = freedAsItGoes.render(markdown, lineOffset: 3)
                #expect(found.html == expected.html)
                #expect(found.headings == expected.headings)
                #expect(found.links == expected.links)
            }
        }
        #expect(MarkdownRenderer(options: .site, arenaLimit: 0).render("## Real\n").html == "<h2 id=\"real\">Real</h2>\n")
    }

    /// A large page is rendered a part at a time (`MarkdownParts`) into exactly the HTML, headings (their ids
    /// numbered across parts) and links of rendering it whole: over generated documents and the cases where a
    /// cut would change the HTML (lists, fences and HTML blocks over blank lines, block quotes, tables).
    @Test func aPageRenderedInPartsIsThePageRenderedWhole() throws {
        var generator = GFMDocumentGenerator(seed: 0x5041_5254)
        var documents: [String] = []
        while documents.count < 400 {
            let document = generator.document()
            if !document.contains("]:") && !document.contains("[^") { documents.append(document) }
        }
        documents += [
            "<pre>\nx\n\ny *not emphasis*\n</pre>\n", "```\na\n\nb\n```\n", "~~~~\na\n\n~~~\nb\n~~~~\n", "- a\n\n- b\n\nc\n",
            "1. a\n\n2. b\n", "* a\n\n  b\n\n* c\n", "> a\n\n> b\n", "<!-- c\n\nd -->\n\ne\n", "<script>\n\nx\n</script>\n",
            "    code\n\n    more\nx\n", "a\n===\n\nb\n---\n", "| a | b |\n|---|---|\n| 1 | 2 |\n\nafter\n", "## Same\n\n## Same\n",
            "<div>\n\n*x*\n\n</div>\n", "<?php\n\n?>\n\nz\n", "<![CDATA[\n\n]]>\n", "<!DOCTYPE x\n\n>\n", "```a`b\n\nc\n",
        ]
        let markdown = documents.joined(separator: "\n\n")
        let parts = try #require(MarkdownParts.split(markdown, size: 16))
        #expect(parts.count > 300)
        #expect(parts.map(\.text).joined() == markdown)
        for options in [MarkdownOptions.site, MarkdownOptions(unsafeHTML: true), MarkdownOptions(smartPunctuation: false)] {
            let whole = MarkdownRenderer(options: options).render(markdown, lineOffset: 4)
            let inParts = MarkdownRenderer(options: options, arenaLimit: 64).render(markdown, lineOffset: 4)
            #expect(inParts.html == whole.html)
            #expect(inParts.headings == whole.headings)
            #expect(inParts.links.map(\.destination) == whole.links.map(\.destination))
            #expect(inParts.links.map(\.isImage) == whole.links.map(\.isImage))
            // Positions: the same wherever cmark's is right when rendered whole (an inline link, `](…`, on the line
            // it names). cmark-gfm gives some inlines positions counted from their table cell, and the autolink
            // extension's are its own estimates, which no rendering can make right.
            let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
            var checked = 0
            for (part, all) in zip(inParts.links, whole.links) {
                let line = all.location.line - 4
                guard line >= 1, line <= lines.count, !all.destination.isEmpty, lines[line - 1].contains("](" + all.destination) else { continue }
                checked += 1
                #expect(part.location == all.location, "\(all.destination) at \(all.location) whole, \(part.location) in parts")
            }
            #expect(checked > whole.links.count / 3)
        }
        // What a part cannot see: a reference definition or a footnote anywhere means no cut.
        #expect(MarkdownParts.split("a\n\n[x]: y\n\nb [x]\n", size: 1) == nil)
        #expect(MarkdownParts.split("a[^n]\n\nb\n\n[^n]: note\n", size: 1) == nil)
    }
}
