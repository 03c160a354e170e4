import CCmarkGFM
import CmarkConcurrency
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

    /// Whether parsers with every extension finish concurrently (see `CmarkConcurrency.c`).
    ///
    /// The inline parser's table of special characters is a process global that every
    /// `cmark_parser_finish` changes, adding its extensions' characters (`~`, `:`, `w`) and removing
    /// them: two threads finishing at once lose strikethrough and autolinks. `CmarkConcurrency` fills
    /// the table once and keeps it, so such parsers finish under a shared lock; any other parser
    /// finishes alone. When that cannot be set up, every finish is serialised.
    static let concurrentFinish: Bool = {
        _ = extensions
        guard let reference = cmark_parser_new(CMARK_OPT_DEFAULT) else { return false }
        for name in extensionNames { cmark_parser_attach_syntax_extension(reference, extensions[name]) }
        // The reference parser lives as long as the process: the table is defined by its extensions.
        return sitegen_cmark_freeze_special_characters(reference)
    }()

    /// How parsers finish in this process, for `--timings`.
    static var finishPath: MarkdownRenderer.FinishPath {
        if concurrentFinish { return .concurrent }
        if let serial = ProcessInfo.processInfo.environment["SITEGEN_CMARK_SERIAL"], !serial.isEmpty, serial != "0" { return .serialAsked }
        return .serialFallback
    }

    /// Forces the one-time set-up; call before starting concurrent work.
    static func prepare() { _ = concurrentFinish }
}
