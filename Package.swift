// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sitegen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sitegen", targets: ["sitegen"]),
        .library(name: "SiteGen", targets: ["SiteGen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
                .linkedLibrary("dl"),
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=cmark_manage_extensions_special_characters"]),
            ]
        ),
        .target(
            name: "SiteGen",
            dependencies: [
                "CCmarkGFM",
                "CmarkConcurrency",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "sitegen",
            dependencies: [
                "SiteGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The least a generator has to do for the benchmark's pages, as a yardstick (bench/run.sh).
        .executableTarget(
            name: "bench-floor",
            dependencies: ["CCmarkGFM", "CmarkConcurrency", "SiteGen", .product(name: "Mustache", package: "swift-mustache")],
            path: "Sources/BenchFloor"
        ),
        // A libFuzzer target (Tests/fuzz.sh); not part of the normal build.
        .executableTarget(
            name: "FuzzParse",
            dependencies: ["SiteGen"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .testTarget(
            name: "SiteGenTests",
            dependencies: ["SiteGen"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
