import Foundation
import SiteGen

/// Writes diagnostics to standard error the way compilers do, with the source line and a caret.
///
/// A build can report thousands (a front matter key every page has and sitegen does not know): each file
/// is read once for all its diagnostics, which come sorted by path, and the text goes out in large writes.
final class DiagnosticPrinter {
    let colour: Bool
    private var output = Data()
    /// The text of the file the last diagnostic was in; nil when it cannot be shown.
    private var cached: (path: String, text: String?)?

    init(colour: Bool) { self.colour = colour }

    deinit { flush() }

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
        output.append(contentsOf: text.utf8)
        if output.count >= 1 << 16 { flush() }
    }

    func printSummary(errors: Int, warnings: Int) {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        output.append(contentsOf: "\(count(errors, "error")), \(count(warnings, "warning"))\n".utf8)
        flush()
    }

    /// Writes what is waiting; before anything goes to standard output.
    func flush() {
        guard !output.isEmpty else { return }
        FileHandle.standardError.write(output)
        output.removeAll(keepingCapacity: true)
    }

    /// The line from the file on disk, when it is a readable text file (without a line end's `\r`).
    private func sourceLine(_ path: String, _ number: Int) -> String? {
        if cached?.path != path {
            var text: String?
            if let data = FileManager.default.contents(atPath: path), data.count < 50_000_000 {
                text = String(data: data, encoding: .utf8)
            }
            cached = (path, text)
        }
        guard let text = cached?.text, number >= 1 else { return nil }
        // Only the lines up to the one asked for are looked at; the file is read once for all its diagnostics.
        let bytes = text.utf8
        var start = bytes.startIndex
        for _ in 1..<number {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            start = bytes.index(after: newline)
        }
        var line = bytes[start...].prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return String(Substring(line))
    }
}
