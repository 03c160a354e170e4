import ArgumentParser
import Foundation
import Preview
import SiteGen

/// Options shared by `build` and `check`.
struct SiteOptions: ParsableArguments {
    @Option(help: "Folder of Markdown pages and site.yaml.")
    var content = "content"

    @Option(help: "Folder of Mustache templates (and assets/).")
    var templates = "templates"

    @Flag(name: [.customLong("warnings-as-errors"), .customLong("strict")], help: "Fail on warnings too.")
    var warningsAsErrors = false

    // Optional, so that the help says what the default is instead of also printing this machine's count.
    @Option(help: "Threads to use (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Print the time each phase took to standard error.")
    var timings = false

    var threads: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }
}

@main
struct SitegenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sitegen",
        abstract: "Builds a static website from Markdown pages and Mustache templates.",
        discussion: """
            Run with no arguments in a site's folder to build content/ with templates/ into public/. \
            Use `sitegen build --content DIR --templates DIR --output DIR` for other folders. \
            While editing, `sitegen serve` shows the site at http://127.0.0.1:1313/ and reloads each page as you save.

            Problems are reported as path:line:column: error: message, all of them in one run, and \
            the exit status is 1. A failed build leaves the output folder exactly as it was.
            """,
        subcommands: [Build.self, Check.self, Serve.self, New.self, Init.self],
        defaultSubcommand: Build.self
    )

    /// A first word that is no command would reach `build`, the default, as an argument it does not take
    /// ("Unexpected argument 'buld'", with build's usage); it is reported as the mistyped command it is.
    static func main() async {
        if let word = CommandLine.arguments.dropFirst().first, let problem = unknownCommand(word) {
            exit(withError: ValidationError(problem))
        }
        await main(nil)
    }

    /// Why `word`, the first argument, is not a command, with the nearest one; nil for a command or an option.
    static func unknownCommand(_ word: String) -> String? {
        let commands = configuration.subcommands.map { $0._commandName }
        if word.hasPrefix("-") || commands.contains(word) || word == "help" { return nil }
        if let nearest = commands.map({ (editDistance($0, word), $0) }).min(by: <), nearest.0 <= 2 {
            return "unknown command '\(word)'; did you mean '\(nearest.1)'?"
        }
        return "unknown command '\(word)'; the commands are \(commands.dropLast().joined(separator: ", ")) and \(commands.last!)"
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build the site (the default command).")

    @OptionGroup var site: SiteOptions

    @Option(help: "Folder to write the site to.")
    var output = "public"

    @Option(name: .customLong("base-url"), help: "Absolute URL the site is published at, for sitemap.xml (overrides base_url).")
    var baseURL: String?

    func run() throws {
        var options = BuildOptions(contentDirectory: site.content, templatesDirectory: site.templates, outputDirectory: output,
                                   baseURL: baseURL, jobs: site.threads)
        options.releasesMemory = false  // the process ends right after
        try finish(SiteBuilder(options: options).build(), site: site, verb: "built")
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every check of a build without writing anything.",
        discussion: """
            With --external, also checks every external URL of the site over the network: the sources' url and \
            archive_url and every http(s) link of the pages' text. Dead links are errors, a dead url whose \
            archive_url answers and redirects are warnings. Results are kept for a day in \
            \(LinkCheckCache.fileName) beside the content folder.
            """
    )

    @OptionGroup var site: SiteOptions

    @Flag(help: "Also check every external URL (sources' url and archive_url, links in the text) over the network.")
    var external = false

    // Optional, so that one given without --external is refused instead of ignored.
    @Option(help: "Seconds to wait for each request of --external (default: 10).")
    var timeout: Double?

    @Option(name: .customLong("per-host"), help: "Requests at a time to one host with --external (default: 2).")
    var perHost: Int?

    @Option(name: .customLong("max-requests"), help: "Requests at a time in all with --external (default: 16).")
    var maxRequests: Int?

    @Flag(help: "With --external, check every URL again instead of taking the last day's results from the cache.")
    var refresh = false

    func validate() throws {
        if !external {
            for (given, name) in [(timeout != nil, "--timeout"), (perHost != nil, "--per-host"), (maxRequests != nil, "--max-requests"), (refresh, "--refresh")] where given {
                throw ValidationError("\(name) applies to --external only")
            }
        }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a number of seconds above 0") }
        if let perHost, perHost < 1 { throw ValidationError("--per-host must be 1 or more") }
        if let maxRequests, maxRequests < 1 { throw ValidationError("--max-requests must be 1 or more") }
    }

    func run() async throws {
        var options = BuildOptions(contentDirectory: site.content, templatesDirectory: site.templates, outputDirectory: "public",
                                   jobs: site.threads, checkOnly: true)
        options.releasesMemory = false  // the process ends right after
        var report = SiteBuilder(options: options).build()
        var note: String?
        if external {
            let limits = LinkChecker.Limits(timeout: timeout ?? 10, perHost: perHost ?? 2, total: maxRequests ?? 16)
            let found = await ExternalCheck.run(ExternalCheck.Options(build: options, limits: limits, refresh: refresh))
            // The same problem of the content found by both passes is said once.
            report.diagnostics = DiagnosticList(report.diagnostics + found.diagnostics).sorted
            note = "sitegen: " + found.summary
        }
        try finish(report, site: site, verb: "checked", note: note)
    }
}

/// Prints the diagnostics and the summary; exits 1 when the build failed.
/// `note`, a line said after the diagnostics whatever the outcome (the external links' summary).
func finish(_ report: BuildReport, site: SiteOptions, verb: String, note: String? = nil) throws {
    let strict = site.warningsAsErrors
    if site.timings {
        var lines = report.phaseTimes.map { $0.phase.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: "%8.3f s", $0.seconds) }
        lines.append("markdown: cmark-gfm parsers finish " + MarkdownRenderer.finishPath.description)
        if !report.upToDate { lines.append("parse store: \(report.parsesTaken) files' parses taken, the others parsed") }
        StandardStream.error.write(lines.joined(separator: "\n") + "\n")
    }
    let printer = DiagnosticPrinter(colour: DiagnosticPrinter.wantsColour())
    for diagnostic in report.diagnostics { printer.print(diagnostic) }
    let errors = report.diagnostics.count { $0.severity == .error }
    let warnings = report.diagnostics.count { $0.severity == .warning }
    if errors > 0 || warnings > 0 {
        printer.printSummary(errors: errors, warnings: warnings)
    }
    if let note { print(note) }
    if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    if verb == "built" {
        let written = report.written
        let removed = written.removed > 0 ? ", \(written.removed) removed" : ""
        if report.upToDate {
            print("sitegen: \(report.pages) pages (\(report.files) files) up to date: no input changed since the last build")
        } else {
            let kept = report.files - report.rendered
            let notRendered = kept > 0 ? "; \(kept) kept without rendering: nothing they show was edited" : ""
            print("sitegen: built \(report.pages) pages (\(report.files) files: \(written.written) written, \(written.unchanged) unchanged\(removed)\(notRendered))")
        }
    } else {
        print("sitegen: checked, no errors")
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the site while you edit it: rebuilt in memory after each save, pages reload by themselves.",
        discussion: """
            Builds the site in memory (public/ is not touched), watches the content and templates folders, and \
            serves the site at http://127.0.0.1:1313/. After each save only what the edit changed is rebuilt; \
            open pages reload once the new version is ready, and a stylesheet change is swapped in without a \
            reload. When an edit breaks the build, the terminal and every page show the errors over the last \
            good version until they are fixed. Ctrl-C stops the server.
            """
    )

    @Option(help: "Folder of Markdown pages and site.yaml.")
    var content = "content"

    @Option(help: "Folder of Mustache templates (and assets/).")
    var templates = "templates"

    @Option(help: "Port to listen on (0: any free port).")
    var port: UInt16 = 1313

    @Option(help: "Address to listen on; 127.0.0.1 keeps the preview on this machine, 0.0.0.0 shows it to the network.")
    var bind = "127.0.0.1"

    // Optional, so that the help says what the default is instead of also printing this machine's count.
    @Option(help: "Threads for rebuilds (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Print the time each phase of each rebuild took.")
    var timings = false

    func run() async throws {
        let options = PreviewServer.Options(build: BuildOptions(contentDirectory: content, templatesDirectory: templates,
                                                                         jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount),
                                            address: bind, port: port, timings: timings)
        let colour = DiagnosticPrinter.wantsColour()
        let server = PreviewServer(options: options) { summary, diagnostics in
            // The printer and `say` write with plain system calls: a standard error or output that is gone
            // (a log pipe that went away) costs the log, never the server.
            let printer = DiagnosticPrinter(colour: colour)
            for diagnostic in diagnostics { printer.print(diagnostic) }
            printer.flush()
            say(summary)
        }
        // Ctrl-C or a service manager's SIGTERM: nothing is kept on disk and no file is half written, so the
        // process ends at once, from the handler itself (write and _exit are safe there).
        for number in [SIGINT, SIGTERM] as [Int32] {
            signal(number) { _ in
                let message: StaticString = "\nsitegen: stopped\n"
                _ = write(STDOUT_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(0)
            }
        }
        let address: String
        do {
            address = try await server.start()
        } catch {
            StandardStream.error.write("error: \(error)\n")
            throw ExitCode(1)
        }
        say("sitegen: serving \(address) (watching \(content)/ and \(templates)/; Ctrl-C stops)")
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}

/// A line on standard output at once, also into a pipe or a log (where `print` would hold it back): the
/// server's address and each rebuild are news. Dropped if standard output is gone (`StandardStream`).
func say(_ line: String) {
    StandardStream.output.write(line + "\n")
}
