import ArgumentParser
import Foundation
import SiteGen

/// Options shared by `build` and `check`.
struct SiteOptions: ParsableArguments {
    @Option(help: "Folder of Markdown pages and site.yaml.")
    var content = "content"

    @Option(help: "Folder of Mustache templates (and assets/).")
    var templates = "templates"

    @Flag(name: [.customLong("warnings-as-errors"), .customLong("strict")], help: "Fail on warnings too.")
    var warningsAsErrors = false

    @Option(help: "Threads to use (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print the time each phase took to standard error.")
    var timings = false
}

@main
struct SitegenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sitegen",
        abstract: "Builds a static website from Markdown pages and Mustache templates.",
        discussion: """
            Run with no arguments in a site's folder to build content/ with templates/ into public/. \
            Use `sitegen build --content DIR --templates DIR --output DIR` for other folders.

            Problems are reported as path:line:column: error: message, all of them in one run, and \
            the exit status is 1. A failed build leaves the output folder exactly as it was.
            """,
        subcommands: [Build.self, Check.self],
        defaultSubcommand: Build.self
    )
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
                                   baseURL: baseURL, jobs: site.jobs)
        options.releasesMemory = false  // the process ends right after
        try finish(SiteBuilder(options: options).build(), site: site, verb: "built")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every check of a build without writing anything.")

    @OptionGroup var site: SiteOptions

    func run() throws {
        var options = BuildOptions(contentDirectory: site.content, templatesDirectory: site.templates, outputDirectory: "public",
                                   jobs: site.jobs, checkOnly: true)
        options.releasesMemory = false  // the process ends right after
        try finish(SiteBuilder(options: options).build(), site: site, verb: "checked")
    }
}

/// Prints the diagnostics and the summary; exits 1 when the build failed.
func finish(_ report: BuildReport, site: SiteOptions, verb: String) throws {
    let strict = site.warningsAsErrors
    if site.timings {
        var lines = report.phaseTimes.map { $0.phase.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: "%8.3f s", $0.seconds) }
        lines.append("markdown: cmark-gfm parsers finish " + MarkdownRenderer.finishPath.description)
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
    let printer = DiagnosticPrinter(colour: DiagnosticPrinter.wantsColour())
    for diagnostic in report.diagnostics { printer.print(diagnostic) }
    let errors = report.diagnostics.count { $0.severity == .error }
    let warnings = report.diagnostics.count { $0.severity == .warning }
    if errors > 0 || warnings > 0 {
        printer.printSummary(errors: errors, warnings: warnings)
    }
    if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    if verb == "built" {
        let written = report.written
        let removed = written.removed > 0 ? ", \(written.removed) removed" : ""
        if report.upToDate {
            print("sitegen: \(report.pages) pages (\(report.files) files) up to date: no input changed since the last build")
        } else {
            print("sitegen: built \(report.pages) pages (\(report.files) files: \(written.written) written, \(written.unchanged) unchanged\(removed))")
        }
    } else {
        print("sitegen: checked, no errors")
    }
}
