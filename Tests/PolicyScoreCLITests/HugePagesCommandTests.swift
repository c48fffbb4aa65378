import Foundation
import Testing

/// `policyscore` starts itself again with malloc asking for huge pages where
/// the kernel gives them only on request, and leaves a user's own choice
/// alone (Docs/performance.md).
@Suite struct HugePagesCommandTests {
  static let onRequest =
    (try? String(
      contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled",
      encoding: .utf8
    ))?.contains("[madvise]") ?? false

  /// `tunables`: the user's `GLIBC_TUNABLES`; another tunable stays beside
  /// the restart's, and `hugetlb=0` keeps small pages.
  @Test(
    arguments: [
      (nil, onRequest),
      ("glibc.malloc.arena_max=2", onRequest),
      ("glibc.malloc.hugetlb=0", false),
    ] as [(String?, Bool)]
  )
  func mallocAsksForHugePages(tunables: String?, asks: Bool) throws {
    #expect(try asksForHugePagesWhileRunning(tunables: tunables) == asks)
  }

  /// Whether `policyscore score` asked for huge pages for any of its memory.
  ///
  /// Read once it reads its input: `hg` among a mapping's flags in
  /// `/proc/PID/smaps`. The input is a FIFO, which it opens only after any
  /// restart, and closed unwritten: the run then ends on an empty file.
  private func asksForHugePagesWhileRunning(tunables: String?) throws -> Bool {
    let directory = try temporaryDirectory()
    let fifo = directory.appendingPathComponent("portfolio.csv").path
    try #require(mkfifo(fifo, 0o600) == 0)
    var environment = ProcessInfo.processInfo.environment
    environment["POLICYSCORE_MODELS"] = nil
    environment["GLIBC_TUNABLES"] = tunables
    let process = Process()
    process.executableURL = binary
    process.arguments = ["score", fifo, "--no-store", "--no-reports"]
    process.currentDirectoryURL = directory
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { process.waitUntilExit() }
    // A writer opens without waiting only once the reader has opened.
    var writer: Int32 = -1
    let deadline = Date().addingTimeInterval(60)
    while writer < 0 && process.isRunning && Date() < deadline {
      writer = open(fifo, O_WRONLY | O_NONBLOCK)
      if writer < 0 { usleep(10_000) }
    }
    try #require(writer >= 0, "policyscore never opened its input")
    defer { close(writer) }
    let smaps = try String(
      contentsOfFile: "/proc/\(process.processIdentifier)/smaps",
      encoding: .utf8
    )
    return smaps.split(separator: "\n").contains {
      $0.hasPrefix("VmFlags:") && $0.split(separator: " ").contains("hg")
    }
  }
}
