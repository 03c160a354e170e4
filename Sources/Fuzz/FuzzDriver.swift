// libFuzzer entry point for sitegen's fuzz targets, chosen by SITEGEN_FUZZ_TARGET (Tests/fuzz.sh sets it):
//   parse         arbitrary bytes through the parse phase (ParsePhase.swift)
//   front-matter  arbitrary front matter to FlatYAML and to Yams, which must agree (FrontMatter.swift)
//   site-paths    long, deep and odd paths through SitePath's byte-level functions (SitePaths.swift)
import Foundation

enum FuzzTarget: String {
    case parse, frontMatter = "front-matter", sitePaths = "site-paths"

    /// Read once: libFuzzer calls the entry point millions of times.
    static let chosen: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SITEGEN_FUZZ_TARGET"] ?? "parse"
        guard let target = FuzzTarget(rawValue: name) else { fatalError("unknown SITEGEN_FUZZ_TARGET \(name)") }
        return target
    }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch FuzzTarget.chosen {
    case .parse: fuzzParse(bytes)
    case .frontMatter: fuzzFrontMatter(bytes)
    case .sitePaths: fuzzSitePaths(bytes)
    }
    return 0
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

// SwiftPM names an executable's entry point `Fuzz_main`; hand control to libFuzzer's driver.
@_cdecl("Fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    _ = FuzzTarget.chosen
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
/// Without libFuzzer (a normal `swift build`) there is nothing to run.
@main
enum FuzzWithoutFuzzer {
    static func main() {
        FileHandle.standardError.write(Data("Fuzz needs libFuzzer: run bash Tests/fuzz.sh\n".utf8))
        exit(2)
    }
}
#endif
