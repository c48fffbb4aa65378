public import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// Which folders PolicyScore may write into, and the marker that makes a
/// folder its own.
///
/// A folder is PolicyScore's to replace only when it is new, empty, or holds
/// a marker that PolicyScore wrote with the reports and nothing the marker
/// does not list. A folder that holds the store, an input file or the
/// working directory is never replaced, whatever it holds.
public enum OutputFolder {
  /// The marker file written into every report folder, last, listing what
  /// else the folder holds.
  public static let markerName = ".policyscore-reports"
  static let signature = "policyscore reports"

  /// The marker's bytes for a folder holding `entries` (top-level names),
  /// written for `owner` (a job's name, or empty).
  static func marker(entries: [String], owner: String) -> [UInt8] {
    var lines = [signature, "owner: \(owner)"]
    lines += entries.sorted().map { "entry: \($0)" }
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }

  /// What a folder's marker says: its owner and entries; nil when the folder
  /// has no marker of PolicyScore's.
  package static func readMarker(in folder: URL) -> (owner: String, entries: Set<String>)? {
    let url = folder.appendingPathComponent(markerName)
    guard let data = FileManager.default.contents(atPath: url.path),
      let text = String(data: data, encoding: .utf8)
    else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.first == signature else { return nil }
    var owner = ""
    var entries: Set<String> = []
    for line in lines.dropFirst() {
      if line.hasPrefix("owner: ") { owner = String(line.dropFirst(7)) }
      if line.hasPrefix("entry: ") { entries.insert(String(line.dropFirst(7))) }
    }
    return (owner, entries)
  }

  /// Checks that PolicyScore may replace `folder` with new reports.
  ///
  /// - Parameters:
  ///   - folder: The report folder, which may not exist yet.
  ///   - protecting: Paths that must survive: the store, the input files.
  ///     The working directory is always protected.
  /// - Throws: `ReportError.notOurs` naming the folder and why.
  public static func checkReplaceable(_ folder: URL, protecting: [URL]) throws(ReportError) {
    let path = folder.standardizedFileURL.path
    let resolved = realPath(folder)
    for (kind, url) in [("the working directory", URL(fileURLWithPath: cwd()))]
      + protecting.map({ ("'\($0.path)'", $0) })
    {
      let other = realPath(url)
      if other == resolved || other.hasPrefix(resolved == "/" ? "/" : resolved + "/") {
        throw .notOurs(
          path: path,
          reason: "it holds \(kind), which a run must never replace; choose another folder"
        )
      }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
    if isSymbolicLink(path) {
      throw .notOurs(path: path, reason: "it is a symbolic link; give the folder it points to")
    }
    guard isDirectory.boolValue else {
      throw .notOurs(path: path, reason: "it is a file, not a folder")
    }
    let entries: [String]
    do {
      entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    } catch {
      throw .notOurs(path: path, reason: "its contents cannot be listed")
    }
    if entries.isEmpty { return }
    guard let marker = readMarker(in: folder) else {
      throw .notOurs(
        path: path,
        reason:
          "it already holds files that PolicyScore did not write (\(listed(entries))); choose a new or empty folder"
      )
    }
    let foreign = entries.filter { $0 != markerName && !marker.entries.contains($0) }
    if !foreign.isEmpty {
      throw .notOurs(
        path: path,
        reason:
          "it holds \(listed(foreign)), which PolicyScore did not write; move them out or choose another folder"
      )
    }
  }

  /// Checks that PolicyScore may write `contents` over the file at `url`:
  /// there is none, or it begins with the same header line, so that it is a
  /// file of the same kind that PolicyScore wrote.
  ///
  /// - Throws: `ReportError.notOurs` naming the file and why.
  public static func checkReplaceable(file url: URL, with contents: [UInt8]) throws(ReportError) {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
    guard !isDirectory.boolValue, !isSymbolicLink(path) else {
      throw .notOurs(path: path, reason: "it is a folder or a link, not a file PolicyScore wrote")
    }
    func headerLine(_ bytes: some Collection<UInt8>) -> [UInt8] {
      Array(bytes.prefix(4096).prefix { $0 != 0x0A && $0 != 0x0D })
    }
    let existing = (FileManager.default.contents(atPath: path)).map { Array($0) } ?? []
    guard !contents.isEmpty, headerLine(existing) == headerLine(contents) else {
      throw .notOurs(
        path: path,
        reason: "the file exists and is not one PolicyScore wrote; choose another name"
      )
    }
  }

  /// At most three names, quoted, and how many more.
  static func listed(_ names: [String]) -> String {
    let shown = names.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
    return names.count > 3 ? "\(shown) and \(names.count - 3) more" : shown
  }

  /// A path with its symbolic links resolved as far as they exist, so that
  /// two spellings of one place compare equal.
  static func realPath(_ url: URL) -> String {
    let absolute = url.standardizedFileURL.path
    if let resolved = realpath(absolute, nil) {
      defer { free(resolved) }
      return String(cString: resolved)
    }
    // Not there yet: resolve the parent, keep the last component.
    let parent = url.standardizedFileURL.deletingLastPathComponent()
    guard parent.path != absolute else { return absolute }
    let base = realPath(parent)
    return (base == "/" ? "" : base) + "/" + url.lastPathComponent
  }

  /// Whether `path` is a symbolic link itself (not followed).
  package static func isSymbolicLink(_ path: String) -> Bool {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return attributes?[.type] as? FileAttributeType == .typeSymbolicLink
  }

  private static func cwd() -> String {
    FileManager.default.currentDirectoryPath
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
