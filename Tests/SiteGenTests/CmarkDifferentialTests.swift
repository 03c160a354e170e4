import Foundation
import Testing
@testable import SiteGen

/// Our renderer, with heading ids and link rewriting off, must print exactly what the `cmark-gfm`
/// command prints, given the same options: for 2,000 generated documents on every machine, and for every
/// example of cmark-gfm's own test files where they are present.
struct CmarkDifferentialTests {
    struct Example: CustomStringConvertible, Sendable {
        var file: String
        var line: Int
        var markdown: String
        var extensions: [String]
        var smart: Bool
        var description: String { "\(file):\(line)" }
    }

    /// `CMARK_GFM_TESTS`, else `../shared/cmark-gfm-tests` beside the project; `.ci/run` fetches the files
    /// of the installed cmark-gfm when neither exists (`Tests/fetch-cmark-gfm-tests.sh`).
    static let testDataFolder: URL = {
        if let folder = ProcessInfo.processInfo.environment["CMARK_GFM_TESTS"] { return URL(fileURLWithPath: folder) }
        // Tests/SiteGenTests/ -> project root -> ../shared/cmark-gfm-tests
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/cmark-gfm-tests")
    }()

    /// Extensions as cmark-gfm's own test suite runs each file.
    static let allExtensions = ["table", "strikethrough", "autolink", "tagfilter", "tasklist", "footnotes"]

    static func examples() throws -> [Example] {
        var examples: [Example] = []
        for file in ["spec.txt", "extensions.txt", "regression.txt", "smart_punct.txt"] {
            let text = try String(contentsOf: testDataFolder.appendingPathComponent(file), encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            var index = 0
            while index < lines.count {
                let line = lines[index]
                guard line.hasPrefix("```````````````````````````````` example") else { index += 1; continue }
                let tags = line.dropFirst("```````````````````````````````` example".count).split(separator: " ").map(String.init)
                let start = index + 1
                var markdown: [String] = []
                index += 1
                while index < lines.count, lines[index] != "." {
                    markdown.append(lines[index])
                    index += 1
                }
                while index < lines.count, !lines[index].hasPrefix("````````````````````````````````") { index += 1 }
                index += 1
                var extensions = tags.filter { $0 != "disabled" }
                if file == "extensions.txt" { extensions = allExtensions }
                let body = markdown.map { $0.replacingOccurrences(of: "→", with: "\t") }.joined(separator: "\n") + (markdown.isEmpty ? "" : "\n")
                examples.append(Example(file: file, line: start, markdown: body, extensions: extensions, smart: file == "smart_punct.txt"))
            }
        }
        return examples
    }

    /// Whether cmark-gfm's spec files are here; the suites that read them skip, saying so, when not.
    static let specFilesPresent = FileManager.default.fileExists(atPath: testDataFolder.path + "/spec.txt")
    static let specFilesAbsent: Comment = "no cmark-gfm spec files in \(testDataFolder.path): put shared/ beside the project, or run bash Tests/fetch-cmark-gfm-tests.sh DIR and set CMARK_GFM_TESTS=DIR"

    static func commandOutput(_ example: Example, unsafe: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cmark-gfm")
        var arguments = unsafe ? ["--unsafe"] : []
        if example.smart { arguments.append("--smart") }
        for name in example.extensions { arguments += ["-e", name] }
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(example.markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// 2,000 generated documents (`GFMDocumentGenerator`), each in safe and in unsafe mode, with and without
    /// smart punctuation in turn: needs only the `cmark-gfm` command that the README's install line installs.
    @Test func generatedDocumentsMatchTheCmarkGFMCommand() throws {
        var generator = GFMDocumentGenerator(seed: 0x5175_6765_6E00)
        let examples = (0..<2000).map { index in
            Example(file: "generated", line: index, markdown: generator.document(), extensions: Self.allExtensions, smart: index % 2 == 1)
        }
        // The generator reaches every construct it is meant to cover.
        let all = examples.map(\.markdown).joined()
        for construct in ["|:--", "--:|", "\\|", "[^n0]:", "~~", "www.", "@example.org", "[x] ", "> ", "    ", "<div>",
                          "&amp;", "\"A title\")", "[ref]:", "```", "\\\n", "Économie", "1. ", "<script>"] {
            #expect(all.contains(construct), "no generated document has \(construct)")
        }
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: examples.count) { index in
            let example = examples[index]
            for unsafe in [false, true] {
                let renderer = MarkdownRenderer(options: MarkdownOptions(
                    extensions: MarkdownOptions.allExtensions, smartPunctuation: example.smart, footnotes: true,
                    unsafeHTML: unsafe, headingIDs: false))
                let ours = renderer.render(example.markdown).html
                let theirs = (try? Self.commandOutput(example, unsafe: unsafe)) ?? "(cmark-gfm did not run)"
                if ours != theirs {
                    mismatches.add("document \(index), unsafe: \(unsafe)\n\(example.markdown)\n--- ours\n\(ours)--- cmark-gfm\n\(theirs)")
                }
            }
        }
        let differing = mismatches.all
        #expect(differing.count == 0, "\(differing.count) of 4,000 renders differ:\n\(differing.prefix(3).joined(separator: "\n"))")
    }

    final class Mismatches: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ item: String) { lock.withLock { items.append(item) } }
        var all: [String] { lock.withLock { items.sorted() } }
    }

    @Test(.enabled(if: specFilesPresent, specFilesAbsent))
    func everyExampleMatchesTheCmarkGFMCommand() throws {
        let folder = Self.testDataFolder.path
        let examples = try Self.examples()
        // Every example fence of the four files is read (736 in shared/'s copy, 744 in cmark-gfm 0.29.0.gfm.6's).
        let fences = try ["spec.txt", "extensions.txt", "regression.txt", "smart_punct.txt"].map { file in
            try String(contentsOfFile: folder + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .count { $0.hasPrefix("```````````````````````````````` example") }
        }
        #expect(fences.allSatisfy { $0 > 0 })
        #expect(examples.count == fences.reduce(0, +) && examples.count >= 700)
        var mismatches: [String] = []
        for example in examples {
            let renderer = MarkdownRenderer(options: MarkdownOptions(
                extensions: example.extensions.filter { $0 != "footnotes" },
                smartPunctuation: example.smart, footnotes: example.extensions.contains("footnotes"),
                unsafeHTML: true, headingIDs: false))
            let ours = renderer.render(example.markdown).html
            let theirs = try Self.commandOutput(example)
            if ours != theirs { mismatches.append("\(example)\n--- ours\n\(ours)--- cmark-gfm\n\(theirs)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(examples.count) differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }
    /// Heading ids only add ` id="…"` to the headings' opening tags, in the headings' order, whichever way
    /// they go in (straight into cmark's HTML, or the general way through custom blocks): removing them
    /// gives back cmark's own HTML, for every example, with raw HTML off and on.
    @Test func headingIDsChangeNothingButTheHeadingTags() throws {
        var generator = GFMDocumentGenerator(seed: 0x4944_73)
        let generated = (0..<1000).map { index in
            Example(file: "generated", line: index, markdown: generator.document(), extensions: Self.allExtensions, smart: index % 2 == 0)
        }
        let spec = Self.specFilesPresent ? try Self.examples() : []
        if Self.specFilesPresent { try #require(spec.count >= 700) }
        let examples = generated + spec
        var mismatches: [String] = []
        var withHeadings = 0
        for example in examples {
            for unsafe in [false, true] {
                func renderer(ids: Bool) -> MarkdownRenderer {
                    MarkdownRenderer(options: MarkdownOptions(
                        extensions: example.extensions.filter { $0 != "footnotes" }, smartPunctuation: example.smart,
                        footnotes: example.extensions.contains("footnotes"), unsafeHTML: unsafe, headingIDs: ids))
                }
                let plain = renderer(ids: false).render(example.markdown).html
                let result = renderer(ids: true).render(example.markdown)
                if !result.headings.isEmpty { withHeadings += 1 }
                // `<hN id="…">` back to `<hN>`, collecting the ids in order.
                var ids: [String] = [], stripped = ""
                var rest = Substring(result.html)
                while let range = rest.firstMatch(of: /<h([1-6]) id="([^"]*)">/) {
                    stripped += rest[..<range.range.lowerBound] + "<h\(range.1)>"
                    ids.append(String(range.2))
                    rest = rest[range.range.upperBound...]
                }
                stripped += rest
                if stripped != plain || ids != result.headings.map({ $0.id.htmlEscaped }) {
                    mismatches.append("\(example) unsafe: \(unsafe)\n--- with ids\n\(result.html)--- without\n\(plain)")
                }
            }
        }
        #expect(withHeadings >= (Self.specFilesPresent ? 80 : 0) + 200)  // 41 spec examples with headings, each in both modes
        #expect(mismatches.count == 0, "\(mismatches.count) differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }
}
