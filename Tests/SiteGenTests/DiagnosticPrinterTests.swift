import Foundation
import Testing
@testable import SiteGen

/// The printer quotes the line each diagnostic points at, however many diagnostics one file has.
struct DiagnosticPrinterTests {
    @Test func quotesTheLineOfEachDiagnosticInALongFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("printer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("many.md").path
        try (1...30_000).map { "line \($0)\r\n" }.joined().write(toFile: path, atomically: false, encoding: .utf8)
        let text = DiagnosticPrinter.text(of: [
            .warning(path, line: 1, column: 6, "first"),
            .warning(path, line: 29_999, column: 6, "near the end"),
            .warning(path, line: 30_000, column: 1, "last"),
            .warning(path, line: 30_002, column: 1, "past the end"),
        ])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "\(path):1:6: warning: first")
        #expect(lines[1] == "line 1")
        #expect(lines[2] == "     ^")
        #expect(lines[3] == "\(path):29999:6: warning: near the end")
        #expect(lines[4] == "line 29999")
        #expect(lines[6] == "\(path):30000:1: warning: last")
        #expect(lines[7] == "line 30000")
        // Line 30,001 is the empty one after the last line end; 30,002 does not exist and is not quoted.
        #expect(lines[9] == "\(path):30002:1: warning: past the end")
        #expect(lines[10] == "")
        #expect(lines.count == 11)
    }
}
