import Foundation
import Testing
@testable import SiteGen

/// cmark-gfm's inline parser shares a global table of special characters between threads; a build
/// on many threads must still equal a build on one, with no strikethrough or autolink lost.
struct ParallelBuildTests {
    static let pageCount = 3000

    static func makeSite() throws -> TemporarySite {
        let site = try TemporarySite()
        for index in 0..<pageCount {
            var body = "---\ntitle: Page \(index)\n---\n\n"
            for line in 0..<6 {
                body += "Line \(line): ~~struck \(index)~~ and www.example\(line).org/\(index) then ~~more~~ text, see www.x.org.\n\n"
            }
            try site.write(String(format: "content/p%04d.md", index), body)
        }
        return site
    }

    @Test func manyThreadsGiveExactlyTheOneThreadOutput() throws {
        let site = try Self.makeSite()
        defer { site.remove() }
        #expect(site.build(output: "serial", jobs: 1).succeeded)
        let serial = site.snapshot("serial").mapValues(\.0)
        let page = String(decoding: try #require(serial["p0123/index.html"]), as: UTF8.self)
        #expect(page.components(separatedBy: "<del>").count - 1 == 12)
        #expect(page.components(separatedBy: "<a href=\"http://www.").count - 1 == 12)
        // The default (one thread per core) several times, then more threads than cores.
        let defaultJobs = BuildOptions().jobs
        for (run, jobs) in [defaultJobs, defaultJobs, defaultJobs, 2, 8].enumerated() {
            #expect(site.build(output: "parallel\(run)", jobs: jobs).succeeded)
            let parallel = site.snapshot("parallel\(run)").mapValues(\.0)
            let differing = serial.keys.filter { serial[$0] != parallel[$0] }
            #expect(parallel.count == serial.count)
            #expect(differing.isEmpty, "with --jobs \(jobs), \(differing.count) files differ, e.g. \(differing.sorted().prefix(3))")
        }
    }

    /// The build above is concurrent only if cmark-gfm's table could be fixed once; this process is
    /// linked as sitegen is, so it must have been.
    @Test func parsersFinishConcurrently() {
        #expect(CmarkRuntime.concurrentFinish)
    }

    /// Parsers with fewer extensions need another table: they run alone, and both kinds stay exact
    /// while they alternate on many threads.
    @Test func parsersWithFewerExtensionsStayExactAmongOthers() {
        // With `~` in the table, the plain parser would see `*` as flanking `b` and emphasise.
        let markdown = "a*~~b~~*c www.example.org\n"
        let full = MarkdownRenderer(options: MarkdownOptions(headingIDs: false))
        let plain = MarkdownRenderer(options: MarkdownOptions(extensions: ["table"], headingIDs: false))
        let fullHTML = full.render(markdown).html, plainHTML = plain.render(markdown).html
        #expect(fullHTML == "<p>a<em><del>b</del></em>c <a href=\"http://www.example.org\">www.example.org</a></p>\n")
        #expect(plainHTML == "<p>a*~~b~~*c www.example.org</p>\n")
        let results = Parallel.map(Array(0..<4000), jobs: 8) { index in
            index % 3 == 0 ? plain.render(markdown).html == plainHTML : full.render(markdown).html == fullHTML
        }
        #expect(results.allSatisfy { $0 })
    }

    /// Each input is transformed once and its result is at its place, whatever the number of inputs and of
    /// workers, and however the workers' shares divide them.
    @Test(arguments: [(0, 2), (1, 2), (2, 8), (7, 2), (1001, 2), (1000, 3), (4000, 8)])
    func everyInputOnceInOrder(count: Int, jobs: Int) {
        final class Calls: @unchecked Sendable {
            let lock = NSLock()
            var seen: [Int] = []
        }
        let calls = Calls()
        let results = Parallel.map(Array(0..<count), jobs: jobs) { index -> Int in
            calls.lock.withLock { calls.seen.append(index) }
            return index * 2
        }
        #expect(results == (0..<count).map { $0 * 2 })
        #expect(calls.seen.sorted() == Array(0..<count))
    }
}
