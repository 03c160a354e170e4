import CCmarkGFM
import Foundation

/// The process-wide state of cmark-gfm, set up exactly once before any rendering.
enum CmarkRuntime {
    static let extensionNames = MarkdownOptions.allExtensions

    // Registration is guarded by a plain static flag inside cmark-gfm, so it runs here, once; the
    // extension pointers are immutable afterwards and cmark only reads them.
    nonisolated(unsafe) static let extensions: [String: OpaquePointer] = {
        cmark_gfm_core_extensions_ensure_registered()
        var found: [String: OpaquePointer] = [:]
        for name in extensionNames {
            guard let ext = cmark_find_syntax_extension(name) else {
                preconditionFailure("cmark-gfm lacks its core extension \(name)")
            }
            found[name] = ext
        }
        return found
    }()

    /// Serialises `cmark_parser_finish`.
    ///
    /// The inline parser's table of special characters is a process global: every finish adds the
    /// characters of its inline extensions (`~`, `:`, `w`) and removes them at the end, so two
    /// threads finishing at once lose strikethrough and autolinks. The table cannot be frozen
    /// either: the delimiter pass finds the extension for `~` through the same list, and an empty
    /// list makes it loop forever. Feeding, walking and rendering stay parallel.
    static let finishLock = NSLock()

    /// Forces the one-time set-up; call before starting concurrent work.
    static func prepare() { _ = extensions }
}
