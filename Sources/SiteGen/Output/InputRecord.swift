import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the last successful build of an output folder was made from, kept beside the folder: every file of
/// the content and templates folders and the sitegen executable by their identity on disk (size, inode,
/// modification and change times), the options that shape the output, the files it published, and the
/// warnings it gave. A build whose inputs and published files are all exactly as recorded would make the
/// same bytes (builds are deterministic), so it writes nothing and repeats the warnings instead.
///
/// Nothing is trusted that could have changed unseen: a file whose times are within two seconds of the
/// record's making (a change in the same tick as the build could keep its time) makes the record useless,
/// and any difference at all means a full build.
struct InputRecord: Sendable {
    /// The inputs, one line each, in a fixed order: compared as text.
    var inputs: String
    /// The published files with their identities.
    var outputs: String
    var warnings: [Diagnostic]
    var pages: Int
    var files: Int

    static let header = "sitegen input record 1"

    /// The inputs as they are now, or nil when one of them changed too recently to be compared by its times.
    static func inputs(content: URL, templates: URL, options: String, now: timespec) -> String? {
        var lines = [options]
        guard let executable = identity(of: "/proc/self/exe", now: now) else { return nil }
        lines.append("executable " + executable)
        for (label, folder) in [("content", content), ("templates", templates)] {
            guard let files = filesBelow(folder.path, now: now) else { return nil }
            lines.append(label + " " + String(files.count))
            lines += files
        }
        return lines.joined(separator: "\n")
    }

    /// The published files' identities, as `OutputWriter` left them.
    static func outputs(_ paths: [String], in folder: URL) -> String? {
        var lines: [String] = []
        lines.reserveCapacity(paths.count)
        for path in paths {
            guard let line = identity(of: folder.path + "/" + path, now: nil) else { return nil }
            lines.append(path + "\t" + line)
        }
        return lines.joined(separator: "\n")
    }

    /// Size, inode, modification and change times; nil for a file that is not there, or that changed within
    /// two seconds of `now`.
    private static func identity(of path: String, now: timespec?) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        if let now, status.st_mtim.tv_sec + 2 >= now.tv_sec || status.st_ctim.tv_sec + 2 >= now.tv_sec { return nil }
        return "\(status.st_size) \(status.st_ino) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ctim.tv_sec).\(status.st_ctim.tv_nsec)"
    }

    /// Every file below `root` with its identity, sorted by path; nil if one changed too recently.
    private static func filesBelow(_ root: String, now: timespec) -> [String]? {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var lines: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var status = stat()
            guard lstat(root + "/" + relative, &status) == 0 else { return nil }
            if status.st_mode & S_IFMT == S_IFDIR { continue }
            guard let line = identity(of: root + "/" + relative, now: now) else { return nil }
            lines.append(relative + "\t" + line)
        }
        return lines.sorted()
    }

    // MARK: The record's file

    func write(to path: String) throws {
        var text = Self.header + "\n\(pages) \(files)\n"
        text += "warnings \(warnings.count)\n"
        for warning in warnings {
            text += "\(warning.line)\t\(warning.column)\t\(Self.escape(warning.path))\t\(Self.escape(warning.message))\n"
        }
        text += "inputs \(inputs.utf8.count)\n" + inputs + "\n"
        text += "outputs\n" + outputs + "\n"
        let temporary = path + OutputWriter.temporarySuffix
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    static func read(from path: String) -> InputRecord? {
        guard let bytes = ContentLoader.readBytes(path), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(header), let counts = lines.popFirst()?.split(separator: " "), counts.count == 2,
              let pages = Int(counts[0]), let files = Int(counts[1]),
              let warningLine = lines.popFirst(), warningLine.hasPrefix("warnings "), let warningCount = Int(warningLine.dropFirst(9)) else { return nil }
        var warnings: [Diagnostic] = []
        for _ in 0..<warningCount {
            guard let fields = lines.popFirst()?.split(separator: "\t", omittingEmptySubsequences: false), fields.count == 4,
                  let line = Int(fields[0]), let column = Int(fields[1]) else { return nil }
            warnings.append(.warning(unescape(fields[2]), line: line, column: column, unescape(fields[3])))
        }
        guard let inputLine = lines.popFirst(), inputLine.hasPrefix("inputs ") else { return nil }
        var inputs: [Substring] = []
        while let line = lines.popFirst(), line != "outputs" { inputs.append(line) }
        let outputs = lines.dropLast().joined(separator: "\n")
        return InputRecord(inputs: inputs.joined(separator: "\n"), outputs: outputs, warnings: warnings, pages: pages, files: files)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func unescape(_ text: Substring) -> String {
        var result = "", escaped = false
        for character in text {
            if escaped {
                result.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
