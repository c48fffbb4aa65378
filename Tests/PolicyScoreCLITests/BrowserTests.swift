import Foundation
import Testing

/// `report.html` in a real browser.
///
/// Headless Chromium renders the example's page in both languages to PNG,
/// dumps its DOM, and logs every request it makes. `make test` installs
/// Chromium and a CJK font when missing.
@Suite(.serialized) struct BrowserTests {
  static let chromium: String? = [
    "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
  ]
  .first { FileManager.default.isExecutableFile(atPath: $0) }

  static let flags = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
  ]

  static func browse(_ arguments: [String], in directory: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(
      fileURLWithPath: try #require(chromium, "Chromium is not installed: make test installs it")
    )
    process.arguments = flags + arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// The URLs of the requests the page itself started: Chromium's own
  /// background requests have no origin, a page's have one.
  static func pageRequests(netLog: URL) throws -> [String] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: netLog)) as? [String: Any]
    let constants = object?["constants"] as? [String: Any]
    let types = constants?["logEventTypes"] as? [String: Int] ?? [:]
    guard let start = types["URL_REQUEST_START_JOB"] else {
      return ["no URL_REQUEST_START_JOB in the log"]
    }
    let events = object?["events"] as? [[String: Any]] ?? []
    return events.compactMap { event in
      guard event["type"] as? Int == start, let params = event["params"] as? [String: Any] else {
        return nil
      }
      let initiator = params["initiator"] as? String ?? "not an origin"
      return initiator == "not an origin" ? nil : "\(params["url"] ?? "?") from \(initiator)"
    }
  }

  /// Width and height from a PNG's IHDR.
  static func size(ofPNG data: Data) -> (Int, Int)? {
    let bytes = [UInt8](data)
    guard bytes.count > 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
    func int(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (int(16), int(20))
  }

  @Test(arguments: [
    (
      "en",
      ["Policy exposure of the portfolio", "Surgical robots", "Exposure by catalogue category"]
    ),
    ("zh", ["组合政策评分报告", "手术机器人", "按目录类别的敞口"]),
  ])
  func theExamplePageRendersInBothLanguages(language: String, names: [String]) throws {
    let directory = try temporaryDirectory()
    let scored = try policyscore(
      ["score", example, "--out", "r", "--no-store", "--as-of", "2026-11-23", "--lang", language],
      in: directory
    )
    #expect(scored.status == 0, "\(scored.stderr)")
    #expect(scored.stdout.contains("page: r/report.html"))
    let page = directory.appendingPathComponent("r/report.html")
    let png = directory.appendingPathComponent("report-\(language).png")
    let netLog = directory.appendingPathComponent("net.json")
    _ = try Self.browse(
      [
        "--window-size=1100,3600", "--screenshot=\(png.path)", "--log-net-log=\(netLog.path)",
        page.absoluteString,
      ],
      in: directory
    )
    let picture = try Data(contentsOf: png)
    let size = try #require(Self.size(ofPNG: picture))
    #expect(size.0 == 1100 && size.1 == 3600)
    // A blank page of this size compresses to a few kilobytes; the page's
    // text and charts to far more.
    #expect(picture.count > 60_000, "\(picture.count) bytes")
    #expect(try Self.pageRequests(netLog: netLog).isEmpty)
    let dom = try Self.browse(["--dump-dom", page.absoluteString], in: directory)
    for name in names { #expect(dom.contains(name), "\(name)") }
    let rankings = try String(
      contentsOf: directory.appendingPathComponent("r/rankings.csv"),
      encoding: .utf8
    )
    let top = try #require(
      rankings.split(separator: "\r\n").dropFirst().first?.split(separator: ",")
    )
    #expect(dom.contains("data-ticker=\"\(top[2])\""))
    if let keep = ProcessInfo.processInfo.environment["POLICYSCORE_SCREENSHOTS"] {
      let target = URL(fileURLWithPath: keep).appendingPathComponent("report-\(language).png")
      try? FileManager.default.removeItem(at: target)
      try FileManager.default.copyItem(at: png, to: target)
    }
  }

  /// The request check can fail: a page that loads an image is caught.
  @Test func aPageThatFetchesSomethingIsCaught() throws {
    let directory = try temporaryDirectory()
    let page = directory.appendingPathComponent("fetching.html")
    try "<html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>".write(
      to: page,
      atomically: true,
      encoding: .utf8
    )
    let netLog = directory.appendingPathComponent("net.json")
    _ = try Self.browse(
      ["--log-net-log=\(netLog.path)", "--dump-dom", page.absoluteString],
      in: directory
    )
    #expect(try Self.pageRequests(netLog: netLog).contains { $0.contains("127.0.0.1:9") })
  }
}
