// libFuzzer entry point: arbitrary bytes through loading's UTF-8 check, front matter splitting, YAML
// decoding, Markdown rendering and link resolution. Build and run with `bash Tests/fuzz.sh`.
import Foundation
import SiteGen

private let parser = DocumentParser(
    renderer: MarkdownRenderer(),
    links: LinkResolver(markdownPaths: ["index.md", "a.md", "timeline/x.md", "ambassadors/y.md"], staticFiles: []))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard String(validating: bytes, as: UTF8.self) != nil else { return 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    for path in ["page.md", "timeline/e.md", "ambassadors/z.md"] {
        let (document, diagnostics) = parser.parse(SourceFile(path: path, displayPath: path, text: text))
        if document == nil && diagnostics.isEmpty { fatalError("neither a document nor a reason for \(path)") }
    }
    return 0
}

#if FUZZING
// SwiftPM names an executable's entry point `FuzzParse_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzParse_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzParse)
}
#else
/// Without libFuzzer (a normal `swift build`) there is nothing to run.
@main
enum FuzzParseWithoutFuzzer {
    static func main() {
        FileHandle.standardError.write(Data("FuzzParse needs libFuzzer: run bash Tests/fuzz.sh\n".utf8))
        exit(2)
    }
}
#endif
