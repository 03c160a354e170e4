import Foundation

/// `sitegen check --external`: every external URL of the site checked over the network (or taken from the
/// cache of the last day), and a diagnostic at each place a dead or redirected URL is used.
///
/// - A dead URL (4xx or 5xx, a host that does not resolve, a refused connection, a time-out) is an error at each
///   link, and at a source's field with the places that cite the source.
/// - A source's dead `url` whose `archive_url` answers is a warning: "dead, archived copy at …", since the note
///   links the archived copy too.
/// - A URL that redirects is a warning at each use, with its chain.
public enum ExternalCheck {
    public struct Options: Sendable {
        /// The content folder, the working folder and the threads of the pass that finds the URLs.
        public var build: BuildOptions
        public var limits = LinkChecker.Limits()
        /// Ignore the cache (the results found are written to it all the same).
        public var refresh = false
        /// The cache file; nil: `LinkCheckCache.fileName` in the folder that holds the content folder.
        public var cachePath: String?
        /// Now, for the cache's ages (tests set it).
        public var now = Date()

        public init(build: BuildOptions, limits: LinkChecker.Limits = .init(), refresh: Bool = false, cachePath: String? = nil, now: Date = Date()) {
            self.build = build
            self.limits = limits
            self.refresh = refresh
            self.cachePath = cachePath
            self.now = now
        }

        /// The cache file's path, absolute.
        public var resolvedCachePath: String {
            let base = URL(fileURLWithPath: build.workingDirectory, isDirectory: true)
            if let cachePath { return URL(fileURLWithPath: cachePath, relativeTo: base).path }
            let content = URL(fileURLWithPath: build.contentDirectory, relativeTo: base).standardizedFileURL
            return content.deletingLastPathComponent().appendingPathComponent(LinkCheckCache.fileName).path
        }
    }

    public struct Report: Sendable {
        public var diagnostics: [Diagnostic] = []
        /// URLs (each once, fragments aside), and of them: asked of the network, taken from the cache, dead, dead with
        /// an archived copy that answers, redirected.
        public var urls = 0
        public var requested = 0
        public var cached = 0
        public var dead = 0
        public var archived = 0
        public var redirected = 0

        /// The line the command prints.
        public var summary: String {
            var text = "external links: \(urls) URL\(urls == 1 ? "" : "s") checked"
            if cached > 0 { text += " (\(cached) from the last day's cache; --refresh checks them again)" }
            text += ": \(dead) dead"
            if archived > 0 { text += " (\(archived) with an archived copy)" }
            text += ", \(redirected) redirected"
            return text
        }
    }

    public static func run(_ options: Options, probe: (any LinkProbe)? = nil) async -> Report {
        var diagnostics = DiagnosticList()
        guard let links = ExternalLinks.collect(options: options.build, diagnostics: &diagnostics) else {
            return Report(diagnostics: diagnostics.sorted)
        }
        var report = Report()
        let cachePath = options.resolvedCachePath
        // Read with --refresh too: the entries of other URLs (another site's sharing the folder) are kept.
        var cache = LinkCheckCache.read(from: cachePath)
        let requests = Set(links.urls.map(LinkChecker.withoutFragment)).sorted()
        var results: [String: LinkCheckResult] = [:]
        var toCheck: [String] = []
        for url in requests {
            if !options.refresh, let known = cache.result(for: url, now: options.now) {
                results[url] = known
            } else {
                toCheck.append(url)
            }
        }
        report.urls = requests.count
        report.cached = requests.count - toCheck.count
        report.requested = toCheck.count
        if !toCheck.isEmpty {
            let checked = await LinkChecker(limits: options.limits, probe: probe).check(toCheck)
            for (url, result) in checked {
                results[url] = result
                if result.isAnswer { cache.record(result, for: url, at: options.now) }
            }
            do {
                try cache.write(to: cachePath, now: options.now)
            } catch {
                // Shown from the working folder, as every other path is.
                let working = URL(fileURLWithPath: options.build.workingDirectory).standardizedFileURL.path + "/"
                let shown = cachePath.hasPrefix(working) ? String(cachePath.dropFirst(working.count)) : cachePath
                diagnostics.append(.warning(shown, "could not write the cache of external links: \(error.localizedDescription)"))
            }
        }
        var archivedURLs: Set<String> = []
        for url in links.urls {
            guard let result = results[LinkChecker.withoutFragment(url)] else { continue }
            for use in links.uses[url] ?? [] {
                if let found = diagnostic(for: url, result, at: use, links: links, results: results, archived: &archivedURLs) {
                    diagnostics.append(found)
                }
            }
        }
        for url in requests {
            guard let result = results[url] else { continue }
            if result.isDead { report.dead += 1 }
            if !result.redirects.isEmpty { report.redirected += 1 }
        }
        report.archived = Set(archivedURLs.map(LinkChecker.withoutFragment)).count
        report.diagnostics = diagnostics.sorted
        return report
    }

    /// What a use of `url` says, if anything.
    static func diagnostic(for url: String, _ result: LinkCheckResult, at use: ExternalLinks.Use, links: ExternalLinks,
                           results: [String: LinkCheckResult], archived: inout Set<String>) -> Diagnostic? {
        var citedAt = ""
        var archive: (url: String, result: LinkCheckResult)?
        if case .field(let name, let key?) = use.kind {
            let places = links.citations[key] ?? []
            if !places.isEmpty { citedAt = "; cited at " + places.map(\.description).joined(separator: ", ") }
            if name == "url", let pair = links.archives[key], pair.url == url, let found = results[LinkChecker.withoutFragment(pair.archive)] {
                archive = (pair.archive, found)
            }
        }
        let place = use.place
        switch result.verdict {
        case .dead(let failure):
            var message = "dead link: \(url) (\(failure))"
            if !result.redirects.isEmpty { message += ", after redirects: \(result.chain)" }
            if let archive {
                if archive.result.isDead {
                    return .error(place.path, line: place.location.line, column: place.location.column,
                                  message + "; its archived copy \(archive.url) is dead too (\(archive.result.verdictText))" + citedAt)
                }
                archived.insert(url)
                return .warning(place.path, line: place.location.line, column: place.location.column,
                                message + "; dead, archived copy at \(archive.url)" + citedAt)
            }
            return .error(place.path, line: place.location.line, column: place.location.column, message + citedAt)
        case .alive:
            guard let last = result.redirects.last else { return nil }
            let permanent = result.redirects.allSatisfy { $0.status == 301 || $0.status == 308 }
            let advice = permanent ? "; it has moved: link to \(last.to)" : ""
            return .warning(place.path, line: place.location.line, column: place.location.column,
                            "\(url) redirects: \(result.chain)\(advice)\(citedAt)")
        }
    }
}

extension LinkCheckResult {
    var verdictText: String {
        switch verdict {
        case .alive(let status): "\(status)"
        case .dead(let failure): failure.description
        }
    }
}
