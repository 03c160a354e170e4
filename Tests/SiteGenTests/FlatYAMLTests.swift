import Foundation
import Testing
import Yams
@_spi(Testing) @testable import SiteGen

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

    /// Every sample FlatYAML reads is compared with Yams (`FlatYAMLAgreement`); samples it leaves to Yams are
    /// counted, never skipped: all of `accepted` and most of the site's pages must take the fast way.
    @Test func readsWhatItAcceptsExactlyAsYams() throws {
        let site = try Self.siteFrontMatter()
        var read = 0, leftToYams: [String] = []
        for yaml in site + Self.accepted {
            switch FlatYAMLAgreement.check(yaml) {
            case .agrees: read += 1
            case .leftToYams: leftToYams.append(yaml)
            case .differs(let difference): Issue.record("\(difference)\n\(yaml)")
            }
        }
        #expect(leftToYams.filter(Self.accepted.contains).isEmpty, "samples meant to take the fast way did not: \(leftToYams)")
        #expect(read >= Self.accepted.count + site.count * 9 / 10, "only \(read) of \(site.count + Self.accepted.count) read the fast way")
    }

    /// Found by comparison with libyaml: each was read by FlatYAML otherwise than libyaml reads it.
    static let libyamlCases = [
        "deri: >-\n  on\ndescriptiotion: D\n",     // block text that spells a flag (found by the fuzzer)
        "flag: |-\n  yes\n", "quoted: 'on'\nother: \"off\"\n",
        "title: C1 \u{0080} control\n",              // libyaml refuses C1 controls but NEL
        "title: x\n# comment with \u{009F}\n",
        "title: \u{FFFE}\n",
        "title: x\n# \u{FFFF}\n",
        "title: x\n# \u{0001} in a comment\n",
        "title: x\n# comment\rother: [a\n",          // a carriage return ends a comment for libyaml (found by the fuzzer)
        "title: x\n# comment\u{85}other: y\n",        // so do NEL and the line and paragraph separators
        "title: x\n# comment\u{2028}other: y\n",
        "tlt: .nan\nother: .NaN\n",                    // not a number, equal to nothing (found by the fuzzer, in the check itself)
        "title: NULL\n",                               // null in every spelling YAML allows
        "title: Null\n",
        "text: |\n  no final line break",             // clipping keeps no break that is not there
        "text: >\n  folded\n  no final line break",
        String(repeating: "k", count: 1025) + ": long key\n",  // libyaml's limit for an implicit key
        String(repeating: "k", count: 1024) + ": long key\n",
        String(repeating: "k", count: 1025) + ":\n  - item\n",
    ]

    @Test(arguments: libyamlCases) func agreesWithLibyaml(yaml: String) {
        let outcome = FlatYAMLAgreement.check(yaml)
        #expect(outcome == .agrees || outcome == .leftToYams, "\(outcome)")
    }

    @Test func nullInEveryCaseIsNoTitle() throws {
        for spelling in ["null", "Null", "NULL", "~"] {
            let source = SourceFile(path: "page.md", displayPath: "page.md", text: "---\ntitle: \(spelling)\n---\n")
            for flat in [true, false] {
                var frontMatter = try FrontMatter.parse(FrontMatterSplit.split(source).get(), of: source, flatReader: flat).get()
                #expect(frontMatter.string("title") == nil, "\(spelling)")
            }
        }
    }

    @Test func aBlockAtTheEndWithoutALineBreakEndsWithout() {
        let pairs = FlatYAML.pairs("text: |\n  a\n  b", firstLine: 1)
        #expect(pairs?.first?.value.scalar?.string == "a\nb")
        #expect(FlatYAML.pairs("text: |\n  a\n  b\n", firstLine: 1)?.first?.value.scalar?.string == "a\nb\n")
    }

    @Test(arguments: refused) func leavesTheRestToYams(yaml: String) {
        #expect(FlatYAML.pairs(yaml, firstLine: 2) == nil)
    }

    /// Front matter with tens of thousands of keys is read as such (each key checked once against those
    /// before it), and one repeated key among them still goes to Yams, which reports it.
    @Test func manyKeysAreReadAndARepeatedOneIsLeftToYams() throws {
        let yaml = (0..<50_000).map { "k\($0): v\($0)\n" }.joined()
        let pairs = try #require(FlatYAML.pairs(yaml, firstLine: 2))
        #expect(pairs.count == 50_000)
        #expect(pairs.last?.key == "k49999")
        #expect(pairs.last?.keyLocation == SourceLocation(line: 50_001, column: 1))
        #expect(FlatYAML.pairs(yaml + "k123: again\n", firstLine: 2) == nil)
    }
}
