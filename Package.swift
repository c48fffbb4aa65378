// swift-tools-version: 6.0
import Foundation
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  // The stages are separate targets; release builds optimise across them,
  // as they did when the engine was one target (a sort's comparisons and a
  // score's accessors are inlined into the next stage's loops).
  .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
  name: "PolicyScore",
  products: [
    .executable(name: "policyscore", targets: ["policyscore"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    // Reading .xlsx workbooks (zip archives) without a hand-written unzip.
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    // report.html from a template, not from strings glued across the code.
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
    // The shared store: PostgreSQL's client, and the NIO and logging it runs on.
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
  ],
  targets: [
    // The engine: one target per stage of the flow, lowest first. Each depends
    // only on targets above it in this list, so an arrow running back up is a
    // compile error. The engine returns values and throws typed errors; it
    // never prints, reads the terminal or exits.

    // SHA-256 with the CPU's SHA extensions, and glibc's malloc settings.
    .target(name: "CSHA256"),
    .target(name: "CAllocator"),
    // Diagnostics, CSV reading and writing, identifiers, days, hashing.
    .target(
      name: "PolicyScoreCore",
      dependencies: ["CSHA256", "CAllocator"],
      swiftSettings: strict
    ),
    // Models/ and scenario files; the only target that sees Yams.
    .target(
      name: "PolicyModel",
      dependencies: ["PolicyScoreCore", .product(name: "Yams", package: "Yams")],
      swiftSettings: strict
    ),
    // Portfolio files: CSV and .xlsx (ZIPFoundation) into holdings and rejects.
    .target(
      name: "PortfolioImport",
      dependencies: ["PolicyScoreCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      swiftSettings: strict
    ),
    // Price and return files, as analysts export them, into level series.
    .target(name: "PriceImport", dependencies: ["PortfolioImport"], swiftSettings: strict),
    // Holdings to segments: explicit splits, decisions, the registry, codes, text.
    .target(
      name: "HoldingMapping",
      dependencies: ["PolicyModel", "PortfolioImport"],
      swiftSettings: strict
    ),
    // Factors, composites, tiers and the ranking.
    .target(name: "PolicyScoring", dependencies: ["HoldingMapping"], swiftSettings: strict),
    // Comparing scenarios and the sensitivity of the ranking.
    .target(name: "ScenarioAnalysis", dependencies: ["PolicyScoring"], swiftSettings: strict),
    // Scores and policies against prices: the back-test and the event study.
    .target(
      name: "PriceStudies",
      dependencies: ["PolicyScoring", "PriceImport"],
      swiftSettings: strict
    ),
    // Report files, folders PolicyScore may write, the terminal summary, and
    // report.html from its Mustache templates (embedded in the binary).
    .target(
      name: "Reports",
      dependencies: [
        "ScenarioAnalysis", "PriceStudies", .product(name: "Mustache", package: "swift-mustache"),
      ],
      resources: [.embedInCode("HTML/report.mustache"), .embedInCode("HTML/holdings.mustache")],
      swiftSettings: strict
    ),
    // The history of runs and the analysts' decisions, in SQLite or PostgreSQL;
    // the only target that sees GRDB or PostgresNIO.
    .target(
      name: "HistoryStore",
      dependencies: [
        "PolicyScoring",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    // read → data-loss budget → map → score → reports → record, for every command.
    .target(name: "Pipeline", dependencies: ["Reports", "HistoryStore"], swiftSettings: strict),
    // Periodic jobs: job files, the lock, the output root, diffs.
    .target(name: "Jobs", dependencies: ["Pipeline"], swiftSettings: strict),
    // The command line: parses arguments, prints values, maps errors to exit codes.
    .executableTarget(
      name: "policyscore",
      dependencies: ["Jobs", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: strict
    ),
    // The benchmark: synthetic portfolios and stage timings (release builds).
    .executableTarget(
      name: "policyscore-bench",
      dependencies: ["Jobs"],
      path: "Benchmarks/policyscore-bench",
      swiftSettings: strict
    ),
    .testTarget(
      name: "PolicyScoreTests",
      dependencies: ["Jobs"],
      // Read from the checkout by path (`packageRoot`), not as bundle resources.
      exclude: ["Fixtures", "Golden"],
      swiftSettings: strict
    ),
    // Runs the built binary end to end.
    .testTarget(
      name: "PolicyScoreCLITests",
      dependencies: ["policyscore"],
      swiftSettings: strict
    ),
  ]
)

// The libFuzzer target has no main (libFuzzer brings one), so it is declared
// only for `make fuzz`, which sets POLICYSCORE_FUZZ=1.
if ProcessInfo.processInfo.environment["POLICYSCORE_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "policyscore-fuzz",
      dependencies: ["Jobs"],
      path: "Fuzz/policyscore-fuzz",
      swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
    )
  )
}
