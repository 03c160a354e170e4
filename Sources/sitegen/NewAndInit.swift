import ArgumentParser
import Foundation
import SiteGen

/// `sitegen new PATH`: a content file with the front matter of its kind, as `hugo new` does with archetypes.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a content file with the front matter of its kind.",
        discussion: """
            PATH is inside the content folder. In the folder of a collection (declared under `collections:` \
            in site.yaml), the file gets the front matter its collection declares: required fields as \
            placeholders, and in a dated collection the date from a name such as 2026-01-02-short-name.md \
            (an item whose date is not known yet is a draft). Anything else is a page. Never overwrites a file.
            """
    )

    @Argument(help: "Path of the new file inside the content folder, ending in .md.")
    var path: String

    @Option(help: "Folder of Markdown pages and site.yaml.")
    var content = "content"

    func run() throws {
        var relative = path
        // `content/history.md` from the site's folder means the same as `history.md`.
        let prefix = content.hasSuffix("/") ? content : content + "/"
        if relative.hasPrefix(prefix) { relative.removeFirst(prefix.count) }
        let collections = SiteConfig.collections(inContent: content)
        if let problem = Archetype.problem(relative, collections: collections) {
            StandardStream.error.write("error: \(DiagnosticPrinter.visible(path)): \(DiagnosticPrinter.visible(problem))\n")
            throw ExitCode(1)
        }
        let target = (content as NSString).appendingPathComponent(relative)
        let folder = (target as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The folder is where the path says, not reached through a symbolic link to elsewhere: the site would
        // not read a page there, and sitegen writes nothing outside the content folder.
        let contentReal = URL(fileURLWithPath: content).resolvingSymlinksInPath().path
        let folderReal = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard folderReal == contentReal || folderReal.hasPrefix(contentReal + "/"),
              folderReal == URL(fileURLWithPath: contentReal).appendingPathComponent(String(folder.dropFirst(content.count))).standardizedFileURL.path
        else {
            StandardStream.error.write("error: \(DiagnosticPrinter.visible(path)): a folder on its way is a symbolic link (it leads to \(DiagnosticPrinter.visible(folderReal))); sitegen new writes only into the content folder's own folders\n")
            throw ExitCode(1)
        }
        // O_EXCL: created only if nothing is there, even a file made a moment ago by someone else; O_NOFOLLOW: not
        // through a link put at its name.
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "a file is already there; sitegen new never overwrites" : String(cString: strerror(errno))
            StandardStream.error.write("error: \(DiagnosticPrinter.visible(target)): \(reason)\n")
            throw ExitCode(1)
        }
        let bytes = Array(Archetype.text(for: relative, collections: collections).utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else {
            unlink(target)
            StandardStream.error.write("error: \(DiagnosticPrinter.visible(target)): could not write the file\n")
            throw ExitCode(1)
        }
        print(target)
    }
}

/// The front matter each content file starts with: its collection's declared fields, or a page's title.
enum Archetype {
    /// Why `path` (inside the content folder) cannot be a new content file; nil when it can.
    static func problem(_ path: String, collections: Collections) -> String? {
        if let problem = PathSafety.problem(in: path) { return problem }
        if let problem = PathSafety.urlProblem(in: path) { return problem }
        guard path.hasSuffix(".md"), path.count > 3 else { return "a content file's name ends in .md (for example history.md)" }
        if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return "hidden files and folders are not part of the site" }
        if case .item(let collection) = collections.place(of: path), let field = collection.start.first,
           collection.field(named: field)?.required == true, datePrefix(path) == nil {
            return "an item of `\(collection.name)` needs its `\(field)`: start its name with the date, \(collection.folder)/YYYY-MM-DD-short-name.md (or YYYY-MM-, or YYYY-)"
        }
        return nil
    }

    static func text(for path: String, collections: Collections) -> String {
        let name = String(path.split(separator: "/").last!.dropLast(3))
        guard case .item(let collection) = collections.place(of: path) else {
            return """
                ---
                title: \(quoted(name == "index" ? "New section" : sentence(name)))
                description:
                ---

                The page's text, in Markdown.

                """
        }
        let date = collection.isDated ? datePrefix(path) : nil
        let words = String(name.dropFirst(date?.count ?? 0)).drop { $0 == "-" }
        // `title` reads as a sentence; another titling field (a name) has each word capitalised.
        let title = words.isEmpty ? "New item" : collection.titleField == "title" ? sentence(String(words))
            : words.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        var lines = ["---", "\(collection.titleField): \(quoted(title))"]
        let dateField = date == nil ? nil : collection.start.first
        for field in collection.fields where field.name != collection.titleField && field.defaultValue == nil {
            if field.name == dateField, let date {
                lines.append("\(field.name): \(date)")
            } else if field.required {
                lines.append("\(field.name): \(field.example.map(quoted) ?? placeholder(field.type))")
            } else {
                lines.append("\(field.name):")
            }
        }
        // A dated item whose date is not known yet would have no place in its collection's order.
        let undated = collection.isDated && date == nil
        if undated {
            lines.append("# Fill in \(collection.start.map { "`\($0)`" }.joined(separator: " or ")), then remove `draft: true` to publish.")
            lines.append("draft: true")
        }
        lines += ["---", "", "The text, in Markdown, with footnotes citing the sources.[^source]", "",
                  "[^source]: Outlet, \"Title\", date, link.", ""]
        return lines.joined(separator: "\n")
    }

    private static func placeholder(_ type: FieldType) -> String {
        switch type {
        case .list(let element): "[\(placeholder(element[0]))]"
        case .date: "2026-01-01"
        case .number: "0"
        case .flag: "false"
        case .page: "index.md"
        default: quoted("TODO")
        }
    }

    /// `2026-01-02`, `2026-01` or `2026` at the start of a file name.
    static func datePrefix(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        for length in [10, 7, 4] where name.count > length {
            let candidate = String(name.prefix(length))
            let rest = name.dropFirst(length)
            guard rest.first == "-" || rest.first == "." else { continue }
            if case .success = PartialDate.parse(candidate) { return candidate }
        }
        return nil
    }

    /// `short-name` → `Short name`.
    static func sentence(_ slug: String) -> String {
        let words = slug.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// A YAML double-quoted string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// `sitegen init DIR`: a new, minimal site that builds as it is.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new site: settings, a home page, one page, templates and a stylesheet.",
        discussion: "The files come from sitegen itself. DIR must be empty or not exist yet."
    )

    @Argument(help: "Folder of the new site.")
    var directory: String

    func run() throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, (try? fileManager.contentsOfDirectory(atPath: directory))?.isEmpty == true else {
                StandardStream.error.write("error: \(DiagnosticPrinter.visible(directory)) exists and is not an empty folder; sitegen init never overwrites\n")
                throw ExitCode(1)
            }
        }
        for (path, text) in StarterSite.files {
            let target = (directory as NSString).appendingPathComponent(path)
            try fileManager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .withoutOverwriting)
        }
        let site = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        let sitegen = Invocation.command(executable: Invocation.runningExecutable, site: site)
        print("""
            sitegen: a new site in \(DiagnosticPrinter.visible(directory))
              cd \(Invocation.shellQuoted(directory))
              \(sitegen) serve      # preview at http://127.0.0.1:1313/, reloading as you save
              \(sitegen) build      # the site, into public/
            """)
    }
}

/// How the user runs this sitegen, so that the commands printed for them work when pasted.
enum Invocation {
    /// `word` as a POSIX shell reads it back: as it is when it holds only characters no shell treats
    /// specially, else in single quotes (a quote inside as `'\''`); control characters are escaped, never
    /// sent to the terminal.
    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "@"):
                true
            default: byte >= 0x80
            }
        }
        return DiagnosticPrinter.visible(plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'")
    }

    /// The executable file running, links resolved.
    static var runningExecutable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    /// `sitegen` for an installed binary; `swift run sitegen` for one that `swift run` built and started,
    /// which lives in a SwiftPM build folder: `PACKAGE/.build/<platform>/debug/sitegen` (or `release`, or
    /// another folder given as `--scratch-path`) in a folder with `Package.swift`. The options `swift run`
    /// needs are added: `-c release`, the build folder when it is not `.build`, and the package when the
    /// site is outside it (inside it, `swift run` finds the package in a parent folder by itself).
    static func command(executable: String, site: String) -> String {
        let parts = executable.split(separator: "/").map(String.init)
        guard parts.count >= 3, ["debug", "release"].contains(parts[parts.count - 2]),
              let scratch = parts.dropLast(2).lastIndex(where: { $0.hasPrefix(".build") }) else { return "sitegen" }
        let package = "/" + parts[..<scratch].joined(separator: "/")
        guard FileManager.default.fileExists(atPath: (package as NSString).appendingPathComponent("Package.swift")) else { return "sitegen" }
        var command = ["swift", "run"]
        if parts[parts.count - 2] == "release" { command += ["-c", "release"] }
        if parts[scratch] != ".build" { command += ["--scratch-path", (package as NSString).appendingPathComponent(parts[scratch])] }
        if !(site + "/").hasPrefix(package == "/" ? "/" : package + "/") { command += ["--package-path", package] }
        return (command + ["sitegen"]).joined(separator: " ")
    }
}
