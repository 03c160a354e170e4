import Foundation
import Testing
import CmarkConcurrency
@testable import SiteGen

/// The replacement of cmark-gfm's special-character function (`Sources/CmarkConcurrency`) in each way it
/// can fail: it must be loud or harmless, never silently wrong.
struct CmarkOverrideTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every finish goes through the wrapper that takes the table's lock: a direct `cmark_parser_finish` (or
    /// `cmark_markdown_to_html`, which finishes inside the library) could run while another thread's parser
    /// has the table switched.
    @Test func everyFinishInTheCodeBaseGoesThroughTheWrapper() throws {
        var checked = 0
        let sources = try FileManager.default.subpathsOfDirectory(atPath: Self.root.path + "/Sources")
        for path in sources where path.hasSuffix(".swift") || path.hasSuffix(".c") {
            guard path != "CmarkConcurrency/CmarkConcurrency.c" else { continue }  // the wrapper itself
            let text = try String(contentsOfFile: Self.root.path + "/Sources/" + path, encoding: .utf8)
            checked += 1
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for call in ["cmark_parser_finish(", "cmark_markdown_to_html("] where code.contains(call) && !code.contains("sitegen_" + call) {
                    Issue.record("Sources/\(path):\(number + 1) calls \(call.dropLast()) directly; use sitegen_cmark_parser_finish")
                }
            }
        }
        #expect(checked >= 30)
    }

    /// In this process the replacement is reached at both of the library's call sites: each finish adds the
    /// extensions' characters once and removes them once.
    @Test func theLibraryReachesTheReplacementAtBothCallSites() {
        #expect(MarkdownRenderer.finishPath == .concurrent)
        var adding = 0, removing = 0
        sitegen_cmark_override_calls(&adding, &removing)
        // The probe's finish at the least; other tests render at the same time, so only a floor is certain.
        #expect(adding >= 1 && removing >= 1)
        _ = MarkdownRenderer().render("~~a~~ www.example.org")
        var addingAfter = 0, removingAfter = 0
        sitegen_cmark_override_calls(&addingAfter, &removingAfter)
        #expect(addingAfter > adding && removingAfter > removing)
    }

    /// A small C program (`Tests/OverrideCheck/override-check.c`) checks what a Swift test process cannot,
    /// since the set-up happens once per process: a finish before the set-up, the serial path when the
    /// replacement is not reached (its symbol made local, as another linker might leave it) or when
    /// SITEGEN_CMARK_SERIAL is set, and parsers with fewer or more extensions than the frozen set.
    @Test(arguments: [("exported", [String: String]()), ("hidden", [:]), ("exported", ["SITEGEN_CMARK_SERIAL": "1"])])
    func theOverrideFailsSafe(linking: String, environment: [String: String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-override-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let flags = try Self.run("pkg-config", ["--cflags", "--libs", "libcmark-gfm"]).output.split(separator: " ").map(String.init)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let object = folder.path + "/CmarkConcurrency.o"
        let include = "-I" + Self.root.path + "/Sources/CmarkConcurrency/include"
        try Self.succeed("clang", ["-c", "-O1", include] + flags.filter { $0.hasPrefix("-I") } +
                         [Self.root.path + "/Sources/CmarkConcurrency/CmarkConcurrency.c", "-o", object])
        var link = ["-O1", include] + flags.filter { $0.hasPrefix("-I") } + [Self.root.path + "/Tests/OverrideCheck/override-check.c", object]
        if linking == "hidden" {
            try Self.succeed(Self.objcopy, ["--localize-symbol=cmark_manage_extensions_special_characters", object])
        } else {
            link.append("-Wl,--export-dynamic-symbol=cmark_manage_extensions_special_characters")
        }
        try Self.succeed("clang", link + flags.filter { !$0.hasPrefix("-I") } + ["-lcmark-gfm-extensions", "-ldl", "-lpthread", "-o", folder.path + "/check"])
        let result = try Self.run(folder.path + "/check", [linking], environment: environment)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n").count == 9 && !result.output.contains("FAILED"), "\(result.output)")
        let frozen = linking == "exported" && environment.isEmpty
        #expect(result.output.contains(frozen ? "ok: the table is frozen" : "ok: the table is not frozen"))
    }

    /// The Swift toolchain's llvm-objcopy, else binutils'.
    static let objcopy: String = {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/llvm-objcopy" }
        return candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) ?? "objcopy"
    }()

    static func succeed(_ tool: String, _ arguments: [String]) throws {
        let result = try run(tool, arguments)
        try #require(result.status == 0, "\(tool) \(arguments.joined(separator: " ")) failed:\n\(result.output)")
    }

    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
        process.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
