public import Foundation

#if canImport(Glibc)
import Glibc
import PolicyScoreCore
import PolicyModel
import PortfolioImport
import HoldingMapping
import PolicyScoring
import ScenarioAnalysis
#endif

/// Writes a folder of report files so that it is never half-written, and
/// replaces only a folder that is PolicyScore's own (see `OutputFolder`).
public enum ReportFolder {
  /// Writes `files` (relative path → file) into `directory` in one swap.
  ///
  /// Paths may hold `/`; each component is checked. A failure or a kill
  /// before the swap leaves the previous folder as it was.
  public static func write(
    _ files: [String: ReportFile],
    to directory: URL,
    protecting: [URL] = [],
    checkpoint: (String) -> Void = { _ in }
  ) throws(ReportError) {
    try stage(files, for: directory, protecting: protecting, checkpoint: checkpoint).commit()
  }

  /// Writes `files` into a temporary sibling of `directory`, ready to be
  /// swapped in by `StagedReports.commit()`.
  ///
  /// Checks first that `directory` may be replaced, and tidies what a killed
  /// run left beside it: a previous folder moved aside is put back, and the
  /// temporary folders of processes that no longer run are removed.
  /// `checkpoint` is called halfway through the files, for tests that kill
  /// the process there.
  ///
  /// - Parameters:
  ///   - files: Relative path → file.
  ///   - directory: Where the reports go.
  ///   - owner: Written into the folder's marker: a job's name, so that the
  ///     job can tell its own folders from another job's.
  ///   - protecting: Paths the folder must not hold: the store, the inputs.
  ///   - checkpoint: Called at named points, for tests.
  /// - Returns: The reports, written in full under a temporary name.
  /// - Throws: `ReportError` when the folder is not PolicyScore's to replace
  ///   or a file cannot be written; nothing is left behind then.
  public static func stage(
    _ files: [String: ReportFile],
    for directory: URL,
    owner: String = "",
    protecting: [URL] = [],
    checkpoint: (String) -> Void = { _ in }
  ) throws(ReportError) -> StagedReports {
    let directory = directory.standardizedFileURL
    try checkPaths(files.keys, in: directory)
    let fileManager = FileManager.default
    let parent = directory.deletingLastPathComponent()
    do {
      try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw .cannotWrite(path: directory.path, reason: (error as NSError).localizedDescription)
    }
    recoverLeftovers(of: directory)
    try OutputFolder.checkReplaceable(directory, protecting: protecting)
    let temporary = parent.appendingPathComponent(
      Leftover.name(for: directory.lastPathComponent, kind: .temporary)
    )
    do {
      try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
      // Each file's fsync waits for the disk on another thread while the
      // next is rendered and written; all are done before the marker.
      var syncs: [(path: String, sync: Background<Int32>)] = []
      for (index, (path, file)) in files.sorted(by: { $0.key < $1.key }).enumerated() {
        if index == files.count / 2 { checkpoint("reports-partly-written") }
        let url = temporary.appendingPathComponent(path)
        try fileManager.createDirectory(
          at: url.deletingLastPathComponent(),
          withIntermediateDirectories: true
        )
        syncs.append((url.path, try write(file, to: url.path)))
      }
      for (path, sync) in syncs {
        try synced(sync, path)
      }
      // Last: a temporary folder with its marker is complete.
      let entries = Set(files.keys.map { String($0.split(separator: "/")[0]) })
      let marker = temporary.appendingPathComponent(OutputFolder.markerName).path
      try synced(
        write(ReportFile(OutputFolder.marker(entries: Array(entries), owner: owner)), to: marker),
        marker
      )
    } catch let error as ReportError {
      try? fileManager.removeItem(at: temporary)
      throw error
    } catch {
      try? fileManager.removeItem(at: temporary)
      throw .cannotWrite(path: directory.path, reason: (error as NSError).localizedDescription)
    }
    return StagedReports(directory: directory, temporary: temporary, protecting: protecting)
  }

  /// Every path is relative and each of its components a plain name; no
  /// path is both a file and a folder.
  private static func checkPaths(
    _ paths: Dictionary<String, ReportFile>.Keys,
    in directory: URL
  ) throws(ReportError) {
    var folders: Set<String> = []
    for path in paths {
      let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      for component in components {
        if let problem = PathComponent.problem(with: component) {
          throw .cannotWrite(
            path: directory.path,
            reason: "the report path '\(path)' is not safe: \(problem)"
          )
        }
      }
      for end in 1..<components.count {
        folders.insert(components[..<end].joined(separator: "/"))
      }
    }
    if let clash = paths.first(where: { folders.contains($0) }) {
      throw .cannotWrite(
        path: directory.path,
        reason: "'\(clash)' would be both a report file and a folder of reports"
      )
    }
  }

  /// Puts back a folder that a killed swap moved aside, and removes the
  /// temporary folders of `directory` whose processes no longer run.
  private static func recoverLeftovers(of directory: URL) {
    let fileManager = FileManager.default
    let parent = directory.deletingLastPathComponent()
    let names = (try? fileManager.contentsOfDirectory(atPath: parent.path)) ?? []
    // Names first: the parent may be a crowded folder (/tmp), and a URL
    // per entry stats it.
    let ours = names.compactMap { name in
      Leftover(name: name).flatMap { $0.target == directory.lastPathComponent ? (name, $0) : nil }
    }
    for (name, leftover) in ours.sorted(by: { $0.0 < $1.0 }) {
      let url = parent.appendingPathComponent(name)
      guard !leftover.ownerIsRunning, Leftover.isOurKind(url) else { continue }
      if leftover.kind == .previous, !fileManager.fileExists(atPath: directory.path) {
        try? fileManager.moveItem(at: url, to: directory)
      } else {
        try? fileManager.removeItem(at: url)
      }
    }
  }

  /// Writes `file` to a new file at `path` piece by piece, straight from
  /// its buffers, and starts its fsync on another thread.
  ///
  /// The fsync closes the file and gives `errno`, or 0. Each file is on disk
  /// before the swap, so that a crash after it finds whole files.
  private static func write(
    _ file: ReportFile,
    to path: String
  ) throws(ReportError) -> Background<Int32> {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(path) }
    do {
      try file.write { buffer throws(ReportError) in
        var offset = 0
        while offset < buffer.count {
          let written = Glibc.write(
            descriptor,
            buffer.baseAddress.map { $0 + offset },
            buffer.count - offset
          )
          if written < 0 && errno == EINTR { continue }
          guard written > 0 else { throw failure(path) }
          offset += written
        }
      }
    } catch {
      close(descriptor)
      throw error
    }
    return Background {
      let code = fsync(descriptor) == 0 ? 0 : errno
      close(descriptor)
      return code
    }
  }

  /// Waits for `sync`, the fsync of the file at `path`.
  private static func synced(_ sync: Background<Int32>, _ path: String) throws(ReportError) {
    let code = sync.value
    guard code == 0 else { throw failure(path, code: code) }
  }

  /// The failure to write `path`, for the error `code` (`errno` when not given).
  static func failure(_ path: String, code: Int32 = errno) -> ReportError {
    .cannotWrite(path: path, reason: String(cString: strerror(code)))
  }
}

/// A report folder written in full under a temporary name, not yet in place.
public struct StagedReports: Sendable {
  /// Where the reports go.
  public let directory: URL
  /// Where they are now.
  public let temporary: URL
  let protecting: [URL]

  /// Swaps the reports into place, removing the folder they replace.
  ///
  /// The folder is checked again first, so that what appeared in it since
  /// `stage` is never lost.
  public func commit() throws(ReportError) {
    let fileManager = FileManager.default
    do {
      try OutputFolder.checkReplaceable(directory, protecting: protecting)
    } catch {
      discard()
      throw error
    }
    let previous = directory.deletingLastPathComponent().appendingPathComponent(
      Leftover.name(for: directory.lastPathComponent, kind: .previous)
    )
    let exists = fileManager.fileExists(atPath: directory.path)
    if exists {
      guard rename(directory.path, previous.path) == 0 else {
        let error = ReportFolder.failure(directory.path)
        discard()
        throw error
      }
    }
    guard rename(temporary.path, directory.path) == 0 else {
      let error = ReportFolder.failure(directory.path)
      if exists { _ = rename(previous.path, directory.path) }
      discard()
      throw error
    }
    if exists { try? fileManager.removeItem(at: previous) }
  }

  /// Removes the temporary folder.
  public func discard() {
    try? FileManager.default.removeItem(at: temporary)
  }
}

/// A folder that a run makes beside a report folder and removes when done:
/// `.NAME.tmp-PID-RANDOM` while the reports are written, `.NAME.old-PID-RANDOM`
/// for the folder they replace during the swap.
///
/// It belongs to the process `PID`; another process removes it only when
/// that process no longer runs.
package struct Leftover {
  package enum Kind: String {
    case temporary = "tmp"
    case previous = "old"
  }

  package var target: String
  package var kind: Kind
  package var pid: Int32

  /// A new name for this process.
  package static func name(for target: String, kind: Kind) -> String {
    let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    let padded = String(repeating: "0", count: 8 - random.count) + random
    return ".\(target).\(kind.rawValue)-\(getpid())-\(padded)"
  }

  /// Reads a name `name(for:kind:)` made; nil for any other name.
  package init?(name: String) {
    guard name.hasPrefix("."), name.count > 20 else { return nil }
    let parts = name.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 2, let last = parts.last else { return nil }
    let fields = last.split(separator: "-")
    guard fields.count == 3, let kind = Kind(rawValue: String(fields[0])),
      let pid = Int32(fields[1]), pid > 0,
      fields[2].count == 8, fields[2].allSatisfy(\.isHexDigit)
    else { return nil }
    self.target = parts.dropLast().joined(separator: ".")
    self.kind = kind
    self.pid = pid
  }

  /// Whether `url` is of a kind a run makes: a folder, or a link.
  ///
  /// A link is `latest` on its way in. A user's file that happens to have
  /// such a name is neither.
  package static func isOurKind(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return OutputFolder.isSymbolicLink(url.path)
      || (FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        && isDirectory.boolValue)
  }

  /// Whether the process that made it still runs.
  package var ownerIsRunning: Bool {
    pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
  }
}
