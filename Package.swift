// swift-tools-version: 6.0
import Foundation
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "PolicyScore",
  products: [
    .executable(name: "policyscore", targets: ["policyscore"]),
    .library(name: "PolicyScoreKit", targets: ["PolicyScoreKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    // Reading .xlsx workbooks (zip archives) without a hand-written unzip.
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    // SHA-256 with the CPU's SHA extensions, for the input hash (Support/SHA256.swift).
    .target(name: "CSHA256"),
    // glibc's malloc settings (Support/Allocator.swift).
    .target(name: "CAllocator"),
    // The engine: returns values and throws typed errors; never prints, reads stdin or exits.
    .target(
      name: "PolicyScoreKit",
      dependencies: [
        "CSHA256",
        "CAllocator",
        .product(name: "Yams", package: "Yams"),  // imported by Model/Files only
        .product(name: "GRDB", package: "GRDB.swift"),  // imported by Store/ only
        .product(name: "GRDBSQLite", package: "GRDB.swift"),  // imported by Store/ only
        // Imported by Import/SpreadsheetReader only.
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: strictSettings
    ),
    // The command line: parses arguments, renders values, maps errors to exit codes.
    .executableTarget(
      name: "policyscore",
      dependencies: [
        "PolicyScoreKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings
    ),
    // The benchmark: synthetic portfolios and stage timings (release builds).
    .executableTarget(
      name: "policyscore-bench",
      dependencies: ["PolicyScoreKit"],
      path: "Benchmarks/policyscore-bench",
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "PolicyScoreKitTests",
      dependencies: ["PolicyScoreKit"],
      // Read from the checkout by path (`packageRoot`), not as bundle resources.
      exclude: ["Fixtures", "Golden"],
      swiftSettings: strictSettings
    ),
    // Runs the built binary end to end.
    .testTarget(
      name: "PolicyScoreCLITests",
      dependencies: ["policyscore"],
      swiftSettings: strictSettings
    ),
  ]
)

// The libFuzzer target has no main (libFuzzer brings one), so it is declared
// only for `make fuzz`, which sets POLICYSCORE_FUZZ=1.
if ProcessInfo.processInfo.environment["POLICYSCORE_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "policyscore-fuzz",
      dependencies: ["PolicyScoreKit"],
      path: "Fuzz/policyscore-fuzz",
      swiftSettings: strictSettings + [.unsafeFlags(["-parse-as-library"])]
    )
  )
}
