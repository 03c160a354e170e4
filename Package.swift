// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sitegen",
    products: [
        .executable(name: "sitegen", targets: ["sitegen"]),
        .library(name: "SiteGen", targets: ["SiteGen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // The preview server's HTTP and live reload's WebSocket: Hummingbird on SwiftNIO. FlyingFox, used before,
        // reads a request's head in time quadratic in its length and has no header or idle timeout, none of
        // which can be changed from outside it (BENCHMARKS.md, the preview server).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // `sitegen check --external`: HEAD and GET over HTTP/1.1, HTTP/2 and TLS, on the SwiftNIO that Hummingbird
        // brings. Foundation's URLSession is libcurl on Linux, which every command then loaded at start (+7 MB).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Debian's libcmark-gfm-dev; pkg-config links both the core and the extensions library.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Lets parsers finish concurrently: replaces cmark-gfm's special-character bookkeeping, which
        // only works if executables export the replacement so that the library's call reaches it.
        .target(
            name: "CmarkConcurrency",
            dependencies: ["CCmarkGFM"],
            linkerSettings: [
                .linkedLibrary("dl", .when(platforms: [.linux])),
                // GNU ld's and lld's flag; the replacement works through ELF symbol interposition, so Linux only.
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=cmark_manage_extensions_special_characters"], .when(platforms: [.linux])),
            ]
        ),
        .target(
            name: "SiteGen",
            dependencies: [
                "CCmarkGFM",
                "CmarkConcurrency",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // `sitegen serve`: the site in memory, a file watcher, live reload and HTTP.
        .target(
            name: "Preview",
            dependencies: [
                "SiteGen",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        ),
        .executableTarget(
            name: "sitegen",
            dependencies: [
                "SiteGen",
                "Preview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets (Tests/fuzz.sh): the parse phase, front matter against Yams, site paths.
        .executableTarget(
            name: "Fuzz",
            dependencies: ["SiteGen"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // The preview server with short timeouts, in its own process, for the tests of hostile clients.
        .executableTarget(
            name: "sitegen-preview-harness",
            dependencies: ["SiteGen", "Preview"],
            path: "Tests/PreviewHarness"
        ),
        .testTarget(
            name: "SiteGenTests",
            // The executable too: CommandLineTests run the `sitegen` built beside them.
            // swift-mustache: the oracle sitegen's own Mustache engine is compared with (MustacheOracleTests).
            dependencies: ["SiteGen", "Preview", "sitegen", "sitegen-preview-harness", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Yams", package: "Yams"), .product(name: "Mustache", package: "swift-mustache")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
