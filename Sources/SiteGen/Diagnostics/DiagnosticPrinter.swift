import Foundation

/// Writes diagnostics to standard error the way compilers do, with the source line and a caret.
///
/// Only a diagnostic that points into text the site read (`Diagnostic.pointsIntoText`) gets its line: the
/// line is read again from the path, and any other path may be one the site refused to read.
///
/// A build can report thousands (a front matter key every page has and sitegen does not know): each file
/// is read once for all its diagnostics, which come sorted by path, and the text goes out in large writes.
public final class DiagnosticPrinter {
    public let colour: Bool
    private var output: [UInt8] = []
    /// Keeps the text for `text(of:)` instead of writing it out.
    private var collecting = false
    /// The text of the file the last diagnostic was in (nil when it cannot be shown), and where each of
    /// its lines starts, found once: a file with thousands of diagnostics would otherwise be scanned from
    /// its start for each.
    private var cached: (path: String, text: [UInt8]?, lineStarts: [Int])?
    /// Where files are read into, made once.
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    public init(colour: Bool) { self.colour = colour }

    deinit { flush() }

    public static func wantsColour() -> Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDERR_FILENO) == 1
    }

    private func append(_ text: String, painted code: String? = nil) {
        if let code { paint(code) }
        output.append(contentsOf: text.utf8)
        if code != nil { endPaint() }
    }

    public func print(_ diagnostic: Diagnostic) {
        // Appended piece by piece: interpolating the whole text cost more than finding the line.
        paint("1")
        appendVisible(diagnostic.path)
        output.append(UInt8(ascii: ":"))
        appendNumber(diagnostic.line)
        output.append(UInt8(ascii: ":"))
        appendNumber(diagnostic.column)
        output.append(UInt8(ascii: ":"))
        endPaint()
        append(diagnostic.severity == .error ? " error:" : " warning:", painted: diagnostic.severity == .error ? "1;31" : "1;35")
        output.append(UInt8(ascii: " "))
        appendVisible(diagnostic.message)
        output.append(UInt8(ascii: "\n"))
        if diagnostic.pointsIntoText, let line = sourceLine(diagnostic.path, diagnostic.line) {
            // The caret under the column, which counts Unicode scalars: one space for each character
            // (what a terminal shows: `e` and a combining accent are one) before it; tabs kept so it lines
            // up. A plain ASCII line, nearly always, has a character a byte.
            if line.allSatisfy({ $0 < 0x80 && !Self.isControl(byte: $0) }) {
                output.append(contentsOf: line)
                output.append(UInt8(ascii: "\n"))
                for byte in line.prefix(diagnostic.column - 1) {
                    output.append(byte == UInt8(ascii: "\t") ? UInt8(ascii: "\t") : UInt8(ascii: " "))
                }
            } else {
                let text = String(decoding: line, as: UTF8.self)
                appendVisible(text)
                output.append(UInt8(ascii: "\n"))
                let scalars = text.unicodeScalars
                let target = scalars.index(scalars.startIndex, offsetBy: diagnostic.column - 1, limitedBy: scalars.endIndex) ?? scalars.endIndex
                // A control character is shown as its escape, so the caret moves past as many spaces.
                for character in text[..<target] {
                    if character == "\t" {
                        output.append(UInt8(ascii: "\t"))
                    } else if character.unicodeScalars.contains(where: Self.isControl) {
                        let width = character.unicodeScalars.reduce(0) { $0 + (Self.isControl($1) ? Self.escape($1).utf8.count : 1) }
                        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width))
                    } else {
                        output.append(UInt8(ascii: " "))
                    }
                }
            }
            append("^", painted: "1;32")
            output.append(UInt8(ascii: "\n"))
        }
        if output.count >= 1 << 16, !collecting { flush() }
    }

    /// The same report as text instead of on standard error (without colour): the preview server shows it in pages.
    public static func text(of diagnostics: [Diagnostic]) -> String {
        let printer = DiagnosticPrinter(colour: false)
        printer.collecting = true
        // A page shows the first screenfuls; the terminal has them all.
        for diagnostic in diagnostics where printer.output.count < 1 << 16 { printer.print(diagnostic) }
        defer { printer.output.removeAll() }
        return String(decoding: printer.output, as: UTF8.self)
    }

    /// Text from the site (a path, a message quoting a front matter value, a line of a file) with its control
    /// characters escaped: a file name with a newline would otherwise split its diagnostic in two, and an
    /// escape sequence in a page would recolour, move or clear the terminal of whoever reads the log.
    /// Tabs are kept: they are common in sources and harmless, and the caret line keeps them to line up.
    private func appendVisible(_ text: String) {
        output.append(contentsOf: Self.visible(text).utf8)
    }

    /// `text` with its control characters escaped; as it is (not copied) when it has none, nearly always.
    public static func visible(_ text: String) -> String {
        guard text.utf8.contains(where: mayStartControl) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars { shown += isControl(scalar) ? escape(scalar) : String(scalar) }
        return shown
    }

    /// What `appendVisible` writes for a control character: Swift's own escape, which a reader can paste back.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2) + "}"
    }

    /// C0 controls but the tab, DEL, and the C1 controls, which some terminals take as the start of a sequence.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 ? scalar != "\t" : (0x7F...0x9F).contains(scalar.value)
    }

    static func isControl(byte: UInt8) -> Bool {
        byte < 0x20 ? byte != UInt8(ascii: "\t") : byte == 0x7F
    }

    /// A byte that is a control character or may begin one in UTF-8 (C1 controls are `C2 80` to `C2 9F`).
    private static func mayStartControl(_ byte: UInt8) -> Bool {
        isControl(byte: byte) || byte == 0xC2
    }

    private func paint(_ code: String) {
        if colour { output.append(contentsOf: "\u{1B}[\(code)m".utf8) }
    }

    private func endPaint() {
        if colour { output.append(contentsOf: "\u{1B}[0m".utf8) }
    }

    /// A positive number in decimal, without making a String.
    private func appendNumber(_ number: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = max(number, 0), start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    public func printSummary(errors: Int, warnings: Int) {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        append("\(count(errors, "error")), \(count(warnings, "warning"))\n")
        flush()
    }

    /// Writes what is waiting; before anything goes to standard output.
    public func flush() {
        guard !output.isEmpty else { return }
        output.withUnsafeBufferPointer { StandardStream.error.write($0) }
        output.removeAll(keepingCapacity: true)
    }

    /// The line from the file on disk, when it is UTF-8 text (without a line end's `\r`).
    private func sourceLine(_ path: String, _ number: Int) -> ArraySlice<UInt8>? {
        if cached?.path != path {
            let text = contents(of: path)
            var lineStarts = [0]
            if let text {
                for (offset, byte) in text.enumerated() where byte == UInt8(ascii: "\n") { lineStarts.append(offset + 1) }
            }
            cached = (path, text, lineStarts)
        }
        guard let text = cached?.text, let lineStarts = cached?.lineStarts, number >= 1, number <= lineStarts.count else { return nil }
        let start = lineStarts[number - 1]
        guard start <= text.count else { return nil }
        var line = text[start...].prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return String(validating: line, as: UTF8.self) == nil ? nil : line
    }

    /// A file's bytes, read with plain system calls (a build may report on 10,000 files, read one after
    /// another here); nil for what is not a readable regular file, or one too large to show lines from.
    private func contents(of path: String) -> [UInt8]? {
        // Without blocking: a named pipe put where a page was would otherwise hold the report until a writer came.
        let file = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        while true {
            let count = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > 50_000_000 { return nil }
        }
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
