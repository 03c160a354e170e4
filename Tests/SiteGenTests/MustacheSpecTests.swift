import Foundation
import Testing
@testable import SiteGen

/// The official Mustache specification's required modules, from `../shared/mustache-spec/` beside the
/// project or the folder in `MUSTACHE_SPEC`. Without them these tests are skipped, saying why.
struct MustacheSpecTests {
    static let folder: URL = {
        if let folder = ProcessInfo.processInfo.environment["MUSTACHE_SPEC"] { return URL(fileURLWithPath: folder) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/mustache-spec")
    }()
    static let present = FileManager.default.fileExists(atPath: folder.path + "/interpolation.json")
    static let absent: Comment = "no Mustache specification files in \(folder.path): put shared/ beside the project, or set MUSTACHE_SPEC to a folder of the spec's JSON files"

    static let modules = ["comments", "delimiters", "interpolation", "inverted", "partials", "sections"]

    /// JSON data as template values: numbers that are whole as integers, others as decimals.
    static func value(_ json: Any) -> TemplateValue {
        switch json {
        case let text as String: return .text(text)
        case let number as NSNumber:
            // JSON's true and false come as Foundation's boolean number.
            if String(describing: type(of: number)).contains("Boolean") { return .flag(number.boolValue) }
            let double = number.doubleValue
            return double == double.rounded() && abs(double) < 1e15 ? .integer(Int(double)) : .decimal(double)
        case let list as [Any]: return .list(list.map(value))
        case let object as [String: Any]: return .dictionary(object.mapValues(value))
        default: return .null
        }
    }

    @Test(.enabled(if: present, absent), arguments: modules)
    func everyTestOfTheModulePasses(module: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(module + ".json"))
        let tests = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["tests"] as? [[String: Any]])
        #expect(tests.count >= 10)
        for test in tests {
            let name = test["name"] as? String ?? "?"
            let partials = try (test["partials"] as? [String: String] ?? [:]).mapValues { try MustacheTemplate(parsing: $0) }
            let template = try MustacheTemplate(parsing: test["template"] as! String)
            var renderer = MustacheRenderer(partials: partials)
            renderer.render(template, context: Self.value(test["data"] ?? [:]))
            #expect(String(decoding: renderer.output, as: UTF8.self) == test["expected"] as? String, "\(module): \(name)")
        }
    }
}
