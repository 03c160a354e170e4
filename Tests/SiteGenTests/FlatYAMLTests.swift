import Foundation
import Testing
import Yams
@testable import SiteGen

/// The fast front matter reader must read what it accepts exactly as Yams does, and leave the rest to Yams.
struct FlatYAMLTests {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The front matter of every page of the project's site.
    static func siteFrontMatter() throws -> [String] {
        let content = projectRoot.appendingPathComponent("content")
        let files = try FileManager.default.subpathsOfDirectory(atPath: content.path).filter { $0.hasSuffix(".md") }.sorted()
        return try files.map { path in
            let source = SourceFile(path: path, displayPath: path, text: try String(contentsOf: content.appendingPathComponent(path), encoding: .utf8))
            return try FrontMatterSplit.split(source).get().yaml
        }
    }

    static let accepted = [
        "title: \"Page 12\"\n",
        "title: Plain words, with commas and a colon:inside\ndate: 1960-09-24\ndraft: false\n",
        "name: Chargé d'affaires ad interim\ntitle: 'Single \"quoted\"'\n\n# a comment line\norder: 3-x\n",
        "title: \"Mali–United States relations\"\ndescription: A colon:without a space, and a hash#inside\n",
        "empty_quotes: \"\"\nnull_word: null\ntilde: ~\nyes_word: yes\nnumber: 12\n",
        "",
        "# only a comment\n",
        "tags: [relations, embassy]\ndate: 2021-03-04\n",
        "ambassadors: [ambassadors/dean.md, \"ambassadors/x y.md\", 'z.md']\n",
        "empty: []\nsingle: [one]\ntight: [a,b]\n",
        "mixed: [12, yes, null, ~, Café, naïve words, \"\", '']\n",
        "after: [Zoë, Chloë]\nnext: [x]\n",
        "tags:\n  - relations\n  - \"embassy\"\ndate: 2021-03-04\n",
        "tags:\n- a\n- b\n",
        "tags:\n  - a\n  - b\n",
        "title: T\naliases:\n    - 'x y'\n    - Café naïve\n    - 12\nlast: z\n",
        "title: \"Escaped \\\" quote\"\n",
        "title: \"Back\\\\slash \\\\\\\" and \\\"\\\"\"\nnext: 'It''s ''quoted'''\n",
        "title: \"\\\\\"\nother: \"\\\"\"\nlast: ''''\n",
        "tags: [\"a \\\"b\\\"\", 'it''s']\n",
        "description: >-\n  A folded description\n  over two lines: with a colon # and a hash.\ntitle: T\n",
        "summary: |\n    Line one\n    Line two \"quoted\"\nnext: x\n",
        "a: >\n  folded, clipped\n  end\nb: |-\n  literal\n  stripped\n",
        "only: |\n  é and 日本語\n",
        "notes: |\n  # not a comment\n  - not a list\n  key: not a key\n",
    ]

    static let refused = [
        "title: Two\ntitle: Keys\n",                // duplicate: Yams reports it
        "title:\n",                                 // no value
        "title: \"New\\nline\"\n",                  // an escape other than \" and \\
        "title: \"Tab\\t and \\u00e9\"\n",
        "title: \"Ends in an escaped quote\\\"\n",  // never closed
        "title: \"Inner \" quote\"\n",              // ends before the line does
        "title: 'Inner ' quote'\n",
        "title: 'Odd ''' quote'\n",
        "text: |+\n  kept\n",                       // keeping the final line breaks
        "text: |2\n    indented\n",                 // an indentation digit
        "text: >\n  a\n\n  b\n",                    // a blank line inside
        "text: >\n  a\n    b\n",                    // a more indented line
        "text: |\n  a\n b\n",                       // less indented
        "text: |\n  trailing \n",
        "text: | # comment\n  a\n",
        "text: |\n",                                // no lines
        "text: |\n\ta\n",
        "title: Words # and a comment\n",           // comment after a value
        "title: a: b\n",                            // invalid YAML
        "title: &anchor value\n",                   // anchor
        "title: - dash\n",                          // indicator first
        "title: trailing \n",                       // trailing space
        "title: multi\n  line\n",                   // continuation
        "title: \"unclosed\n",
        "title:\tvalue\n",
        " title: indented\n",
        "title: tab\there\n",
        "title: line\u{2028}separator\n",
        "{title: flow}\n",
        "? complex key\n: value\n",
        "tags: [a,, b]\n",
        "tags: [a, [b]]\n",
        "tags: [ a]\n",
        "tags: [a ]\n",
        "tags: [a,  b]\n",
        "tags: [a, b,]\n",
        "tags: [a: b]\n",
        "tags: [\"a, b\"]\n",
        "tags: [a, b] # comment\n",
        "tags: [a,\n  b]\n",
        "tags: [-a]\n",
        "tags: [it's]\n",
        "tags: [a#b]\n",
        "tags: [{a: b}]\n",
        "tags:\n  - a\n\n  - b\n",
        "tags:\n  - a\n   - b\n",
        "tags:\n  - a\n    b\n",
        "tags:\n  - a\n# c\n  - b\n",
        "tags:\n  - - a\n",
        "tags:\n  - k: v\n",
        "tags:\n  -a\n",
        "tags:\n  - a\n  b\n",
        "tags:\n  - a # comment\n",
        "tags: \n  - a\n",
    ]

    @Test func readsWhatItAcceptsExactlyAsYams() throws {
        var checked = 0
        for yaml in try Self.siteFrontMatter() + Self.accepted {
            guard let pairs = FlatYAML.pairs(yaml, firstLine: 2) else {
                // The site's only front matter beyond flat keys: lists of related pages.
                #expect(yaml.contains(": ["), "\(yaml)")
                continue
            }
            checked += 1
            let root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
            let mapping = root?.mapping.map(Array.init) ?? []
            try #require(mapping.count == pairs.count, "\(yaml)")
            for (pair, (key, value)) in zip(pairs, mapping) {
                let keyMark = try #require(key.mark), valueMark = try #require(value.mark)
                #expect(pair.key == key.scalar?.string)
                #expect(pair.keyLocation == SiteGen.SourceLocation(line: keyMark.line + 1, column: keyMark.column))
                #expect(pair.valueLocation == SiteGen.SourceLocation(line: valueMark.line + 1, column: valueMark.column), "\(yaml)")
                #expect(pair.value.tag == value.tag)
                // A list: the same items, read the same way, at the same places.
                let yamsItems = value.sequence.map(Array.init) ?? [value], fastItems = pair.value.sequence.map(Array.init) ?? [pair.value]
                #expect((value.sequence == nil) == (pair.value.sequence == nil), "\(yaml)")
                try #require(fastItems.count == yamsItems.count, "\(yaml)")
                for (index, (fast, yams)) in zip(fastItems, yamsItems).enumerated() {
                    let yamsValue = try #require(yams.scalar), fastValue = try #require(fast.scalar)
                    #expect(fastValue.string == yamsValue.string)
                    #expect(fastValue.style == yamsValue.style)
                    #expect(fast.bool == yams.bool && fast.int == yams.int && fast.null == yams.null, "\(yaml)")
                    #expect(fast.tag == yams.tag)
                    if value.sequence != nil, let mark = yams.mark {
                        #expect(pair.itemLocations[index] == SiteGen.SourceLocation(line: mark.line + 1, column: mark.column), "\(yaml)")
                    }
                }
            }
            // What readers of the front matter get: values, types and problems.
            let source = SourceFile(path: "page.md", displayPath: "page.md", text: "---\n\(yaml)---\n")
            let split = try FrontMatterSplit.split(source).get()
            var fast = try FrontMatter.parse(split, of: source, flatReader: true).get()
            var yams = try FrontMatter.parse(split, of: source, flatReader: false).get()
            for key in mapping.compactMap({ $0.0.scalar?.string }) {
                #expect(fast.string(key, required: "x") == yams.string(key, required: "x"), "\(key)")
                #expect(fast.bool(key) == yams.bool(key), "\(key)")
                #expect(fast.stringList(key).map(\.0) == yams.stringList(key).map(\.0))
                #expect(fast.stringList(key).map(\.1) == yams.stringList(key).map(\.1), "\(key)")
                #expect(fast.date(key) == yams.date(key))
                #expect(fast.valueLocation(of: key) == yams.valueLocation(of: key))
            }
            #expect(fast.diagnostics == yams.diagnostics, "\(yaml)")
        }
        // The samples meant to take the fast way, and the site's ambassador pages among others.
        #expect(checked >= Self.accepted.count + 25)
    }

    @Test(arguments: refused) func leavesTheRestToYams(yaml: String) {
        #expect(FlatYAML.pairs(yaml, firstLine: 2) == nil)
    }
}
