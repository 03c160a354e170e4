import Foundation
import Testing
@testable import SiteGen

/// Our renderer, with heading ids and link rewriting off, must print exactly what the `cmark-gfm`
/// command prints for every example of cmark-gfm's own test files, given the same options.
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

    static func commandOutput(_ example: Example) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cmark-gfm")
        var arguments = ["--unsafe"]
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

    @Test func everyExampleMatchesTheCmarkGFMCommand() throws {
        let folder = Self.testDataFolder.path
        try #require(FileManager.default.fileExists(atPath: folder + "/spec.txt"),
                     "no cmark-gfm spec files in \(folder): put shared/ beside the project, or run bash Tests/fetch-cmark-gfm-tests.sh DIR and set CMARK_GFM_TESTS=DIR")
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
        let examples = try Self.examples()
        try #require(examples.count >= 700)
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
        #expect(withHeadings >= 80)  // 41 examples with headings, each in both modes
        #expect(mismatches.count == 0, "\(mismatches.count) differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }
}
