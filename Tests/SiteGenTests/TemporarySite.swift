import Foundation
@testable import SiteGen

/// A copy of a fixture site in a temporary folder, to change and build in tests.
struct TemporarySite {
    let root: URL

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    init(fixture: String = "minimal") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for folder in ["content", "templates"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(fixture).appendingPathComponent(folder),
                                             to: root.appendingPathComponent(folder))
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func delete(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    func build(output: String = "public", jobs: Int = 2, check: Bool = false, baseURL: String? = nil) -> BuildReport {
        SiteBuilder(options: BuildOptions(outputDirectory: output, baseURL: baseURL, jobs: jobs, checkOnly: check,
                                          workingDirectory: root.path)).build()
    }

    /// Every file below `folder` with its bytes and modification time.
    func snapshot(_ folder: String = "public") -> [String: (Data, Date)] {
        Self.snapshot(of: root.appendingPathComponent(folder))
    }

    static func snapshot(of folder: URL) -> [String: (Data, Date)] {
        var files: [String: (Data, Date)] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
        while let relative = enumerator.nextObject() as? String {
            let path = folder.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path),
                  let date = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date else { continue }
            files[relative] = (data, date)
        }
        return files
    }
}

extension BuildReport {
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    var summary: String { diagnostics.map(\.description).joined(separator: "\n") }
}
