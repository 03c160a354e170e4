import Foundation
import Testing
@testable import SiteGen

@Suite struct FolderRemovalTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-removal-\(UUID().uuidString)").path

    private func make(_ files: [String: String], folders: [String] = []) throws {
        for folder in folders {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
    }

    private func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(root + "/" + path, &status) == 0
    }

    @Test(arguments: [1, 2, 8]) func removesEveryFileAndFolderButFollowsNoLink(jobs: Int) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try make(["old/a/b/c.html": "c", "old/a/d.html": "d", "old/index.html": "i", "kept/secret.txt": "s"],
                 folders: ["old/empty", "old/a/b/deeper/deepest"])
        try FileManager.default.createSymbolicLink(atPath: root + "/old/link-to-folder", withDestinationPath: root + "/kept")
        try FileManager.default.createSymbolicLink(atPath: root + "/old/a/link-to-file", withDestinationPath: root + "/kept/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/old/dangling", withDestinationPath: root + "/nowhere")
        try FolderRemoval.remove(root + "/old", jobs: jobs)
        #expect(!exists("old"))
        #expect(try String(contentsOfFile: root + "/kept/secret.txt", encoding: .utf8) == "s")
    }

    @Test func aMissingPathIsAlreadyRemoved() throws {
        try FolderRemoval.remove(root + "/never-made", jobs: 2)
    }

    @Test func aLinkToAFolderIsRemovedAndItsFolderKept() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try make(["kept/secret.txt": "s"])
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/kept")
        try FolderRemoval.remove(root + "/link", jobs: 2)
        #expect(!exists("link"))
        #expect(exists("kept/secret.txt"))
    }

    @Test func aFolderThatCannotBeOpenedSaysWhy() throws {
        let folder = OpenFolder(root + "/never-made")
        let error = errno  // read before anything else can change it
        #expect(folder == nil)
        #expect(error == ENOENT)
    }

    @Test func foldersLeftByAnInterruptedBuildAreRemovedByTheNext() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write(".public.sitegen-staging/history/index.html", "half")
        try site.write(".public.sitegen-old/index.html", "old")
        let report = site.build()
        #expect(report.succeeded, "\(report.summary)")
        // The lock and the record of the build's inputs, and the parse store unless the executable is too new to
        // be told from another (a test binary linked a moment ago): no staging folder, no old folder.
        let kept: Set = [".public.sitegen-inputs", ".public.sitegen-lock", ".public.sitegen-parsed"]
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".public.sitegen-") })
        #expect(left.isSubset(of: kept) && left.isSuperset(of: [".public.sitegen-inputs", ".public.sitegen-lock"]), "\(left)")
        // A rebuild retires the published folder and removes it once the new one is in place.
        let rebuilt = site.build()
        #expect(rebuilt.succeeded, "\(rebuilt.summary)")
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".public.sitegen-") })
        #expect(after.isSubset(of: kept) && after.isSuperset(of: [".public.sitegen-inputs", ".public.sitegen-lock"]), "\(after)")
        #expect(site.snapshot().mapValues(\.0) == TemporarySite.snapshot(of: TemporarySite.fixtures.appendingPathComponent("minimal/expected")).mapValues(\.0))
    }
}
