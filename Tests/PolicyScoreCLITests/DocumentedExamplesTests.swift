import Foundation
import Testing

/// Every example in `--help` and in the README's shell sessions runs, in a
/// folder laid out as a user's would be, and exits as documented.
@Suite(.serialized) struct DocumentedExamplesTests {
  /// A working folder with the files the examples name: the example
  /// portfolio under other names, a workbook, a job file, a decisions file
  /// to share, and a store in it and in the home folder.
  static func sandbox() throws -> URL {
    let directory = try temporaryDirectory()
    let manager = FileManager.default
    for name in ["Models", "Scenarios", "Tests"] {
      try manager.createSymbolicLink(
        at: directory.appendingPathComponent(name),
        withDestinationURL: packageRoot.appendingPathComponent(name)
      )
    }
    try manager.copyItem(
      at: packageRoot.appendingPathComponent("Examples"),
      to: directory.appendingPathComponent("Examples")
    )
    let fixtures = packageRoot.appendingPathComponent("Tests/PolicyScoreTests/Fixtures")
    for (from, to) in [
      (packageRoot.appendingPathComponent("Examples/portfolio.csv"), "holdings.csv"),
      (fixtures.appendingPathComponent("import/workbook.xlsx"), "持仓.xlsx"),
      (fixtures.appendingPathComponent("mapping/labels.csv"), "labels.csv"),
      (fixtures.appendingPathComponent("mapping/vendor-short.csv"), "vendor-short.csv"),
      (fixtures.appendingPathComponent("prices/sh600085.csv"), "sh600085.csv"),
      (fixtures.appendingPathComponent("prices/sz300015.csv"), "sz300015.csv"),
      (fixtures.appendingPathComponent("prices/wind-wide.csv"), "wind.csv"),
      (fixtures.appendingPathComponent("prices/choice-returns.tsv"), "returns.tsv"),
    ] {
      try manager.copyItem(at: from, to: directory.appendingPathComponent(to))
    }
    try """
    schema_version: 1
    name: weekly
    portfolios: [holdings.csv]
    models: Models
    scenarios: [baseline]
    as_of: 2026-11-23
    output: reports/weekly
    """.write(
      to: directory.appendingPathComponent("weekly.yaml"),
      atomically: true,
      encoding: .utf8
    )
    try """
    action,segments,reason,ticker,proposed,decided_by,decided_at,description_sha256
    replace,hospitals:1,shared by the team,600276.SH,hospitals:1,li,2026-11-23T00:00:00Z,
    """.write(
      to: directory.appendingPathComponent("team-decisions.csv"),
      atomically: true,
      encoding: .utf8
    )
    try widePrices(days: 800, from: (2020, 1, 2), seed: 5).write(
      to: directory.appendingPathComponent("closes.csv"),
      atomically: true,
      encoding: .utf8
    )
    let setup = try policyscore(["score", example, "--out", "setup"], in: directory)
    #expect(setup.status == 0, "\(setup.stderr)")
    let home = directory.appendingPathComponent("home")
    try manager.createDirectory(at: home, withIntermediateDirectories: true)
    try manager.copyItem(
      at: directory.appendingPathComponent("policyscore.sqlite"),
      to: home.appendingPathComponent("policyscore.sqlite")
    )
    return directory
  }

  /// Runs a shell command line in `directory` with `policyscore` on the path.
  static func shell(_ line: String, in directory: URL) throws -> Result {
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] =
      binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "")
    environment["HOME"] = directory.appendingPathComponent("home").path
    environment["POLICYSCORE_DB"] = nil
    return try runProcess(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", line],
      in: directory,
      environment: environment
    )
  }

  /// Every command path, from the SUBCOMMANDS of each help.
  static func commands(_ path: [String] = []) throws -> [[String]] {
    let help = try policyscore(path + ["--help"]).stdout
    var found = [path]
    guard let start = help.range(of: "SUBCOMMANDS:\n") else { return found }
    for line in help[start.upperBound...].split(separator: "\n") {
      guard line.hasPrefix("  "), !line.hasPrefix("   ") else {
        if !line.hasPrefix(" ") { break }
        continue
      }
      let name = line.split(separator: " ").first.map(String.init) ?? ""
      found += try commands(path + [name])
    }
    return found
  }

  /// The example lines of a help text, and any line that wraps one.
  static func examples(in help: String) -> (lines: [String], wrapped: [String]) {
    var lines: [String] = []
    var wrapped: [String] = []
    var inExamples = false
    var previous = ""
    for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("Example") {
        inExamples = true
      } else if inExamples && line.hasPrefix("  policyscore ") {
        lines.append(line.trimmingCharacters(in: .whitespaces))
      } else if inExamples && !line.isEmpty && !line.hasPrefix(" ")
        && previous.hasPrefix("  policyscore ")
      {
        wrapped.append(previous + " / " + line)
      } else if line.isEmpty || !line.hasPrefix(" ") {
        inExamples = false
      }
      previous = line
    }
    return (lines, wrapped)
  }

  @Test func everyHelpExampleRuns() throws {
    var examples: [String] = []
    for path in try Self.commands() {
      let help = try policyscore(path + ["--help"]).stdout
      let found = Self.examples(in: help)
      #expect(found.wrapped.isEmpty, "\(path): an example wraps: \(found.wrapped)")
      for line in found.lines where !examples.contains(line) { examples.append(line) }
    }
    #expect(examples.count >= 30)
    // Producers first: runs and decisions exist before the commands that read them.
    let order = [
      "score", "scenarios", "sensitivity", "map", "decisions", "job", "runs", "catalog", "model",
    ]
    func rank(_ line: String) -> Int {
      let words = line.split(separator: " ")
      // Applying a decisions file comes after the exports that write it.
      let verb = line.contains(" apply ") ? "decisions" : words.count > 1 ? String(words[1]) : ""
      return 2 * (order.firstIndex(of: verb) ?? order.count) + (line.contains(" apply ") ? 1 : 0)
    }
    let directory = try Self.sandbox()
    for line in examples.sorted(by: { rank($0) < rank($1) }) {
      let result = try Self.shell(line, in: directory)
      #expect(result.status == 0, "\(line)\n\(result.stderr.suffix(600))")
    }
  }

  /// The README's shell sessions: `$ cat FILE` shows a file, `$ policyscore …`
  /// a command with what it prints, `$ echo $?` the exit code.
  @Test func theReadmeSessionsRunAsShown() throws {
    let readme = try String(
      contentsOf: packageRoot.appendingPathComponent("README.md"),
      encoding: .utf8
    )
    let directory = try Self.sandbox()
    var sessions = 0
    for block in readme.components(separatedBy: "```").enumerated().filter({ $0.offset % 2 == 1 }) {
      let lines = block.element.split(separator: "\n").map(String.init)
      guard lines.contains(where: { $0.hasPrefix("$ ") }) else { continue }
      sessions += 1
      var index = 0
      var last: Result?
      while index < lines.count {
        let command = String(lines[index].dropFirst(2))
        var shown: [String] = []
        index += 1
        while index < lines.count && !lines[index].hasPrefix("$ ") {
          shown.append(lines[index])
          index += 1
        }
        if command.hasPrefix("cat ") {
          try (shown.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent(String(command.dropFirst(4))),
            atomically: true,
            encoding: .utf8
          )
        } else if command == "echo $?" {
          #expect(shown.first == last.map { String($0.status) }, "exit code of the session")
        } else {
          let result = try Self.shell(command, in: directory)
          for line in shown where line != "..." {
            #expect(
              (result.stdout + result.stderr).contains(line),
              "\(command) does not print:\n\(line)\n---\n\(result.stderr)"
            )
          }
          last = result
        }
      }
    }
    #expect(sessions >= 1)
  }
}
