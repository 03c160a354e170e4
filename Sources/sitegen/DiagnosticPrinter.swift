import Foundation
import SiteGen

/// Writes diagnostics to standard error the way compilers do, with the source line and a caret.
struct DiagnosticPrinter {
    let colour: Bool

    static func wantsColour() -> Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDERR_FILENO) == 1
    }

    private func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func print(_ diagnostic: Diagnostic) {
        let severity = diagnostic.severity == .error ? paint("error:", "1;31") : paint("warning:", "1;35")
        var text = paint("\(diagnostic.path):\(diagnostic.line):\(diagnostic.column):", "1") + " \(severity) \(diagnostic.message)\n"
        if let line = sourceLine(diagnostic.path, diagnostic.line) {
            text += line + "\n"
            let prefix = line.prefix(max(0, diagnostic.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            text += prefix + paint("^", "1;32") + "\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    func printSummary(errors: Int, warnings: Int) {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        FileHandle.standardError.write(Data("\(count(errors, "error")), \(count(warnings, "warning"))\n".utf8))
    }

    /// The line from the file on disk, when it is a readable text file.
    private func sourceLine(_ path: String, _ number: Int) -> String? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 50_000_000,
              let text = String(data: data, encoding: .utf8) else { return nil }
        var current = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number { return String(line.replacingOccurrences(of: "\r", with: "")) }
            current += 1
        }
        return nil
    }
}
