import Foundation
import HistoryStore
import HoldingMapping
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// A job's output root: one folder per job run, `latest` pointing at the
/// newest, and a marker that makes the root PolicyScore's.
///
/// The root is claimed when it is new or empty, or when the store already
/// records this job's runs in it (a root written before the marker existed).
/// Anything else is refused. Jobs that share a root take turns: the marker
/// file is locked while a run tidies, writes and records.
final class JobOutput {
  static let markerName = ".policyscore-output"

  let root: URL
  let job: String
  private var descriptor: Int32 = -1

  init(root: URL, job: String) {
    self.root = root.standardizedFileURL
    self.job = job
  }

  deinit { unlock() }

  /// Claims the root and locks it against other jobs writing there, waiting
  /// for them.
  ///
  /// - Parameters:
  ///   - recorded: The report folders the store records for the job.
  ///   - protecting: The store and the input files.
  /// - Throws: `JobError.reports` when the root is not the job's to write.
  func claimAndLock(recorded: [String], protecting: [URL]) throws(JobError) {
    let fileManager = FileManager.default
    let marker = root.appendingPathComponent(Self.markerName)
    if !fileManager.fileExists(atPath: marker.path) {
      do {
        try OutputFolder.checkReplaceable(root, protecting: protecting)
      } catch {
        let adopted =
          fileManager.fileExists(atPath: root.path)
          && recorded.contains { $0.hasPrefix(root.path + "/") }
        if !adopted { throw .reports(error) }
      }
      do {
        try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("policyscore job output\n".utf8).write(to: marker)
      } catch {
        throw .reports(
          .cannotWrite(path: root.path, reason: (error as NSError).localizedDescription)
        )
      }
    }
    descriptor = open(marker.path, O_RDWR | O_CLOEXEC)
    guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
      throw .reports(.cannotWrite(path: root.path, reason: "cannot lock '\(marker.path)'"))
    }
  }

  func unlock() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  /// What a killed run left, put right by the stated rule.
  ///
  /// - A temporary folder whose process no longer runs is put in place when
  ///   it is complete and the store records it (the kill came between the
  ///   store commit and the swap); else it is removed.
  /// - A run folder marked as this job's that the store does not record is
  ///   removed: no history points at it.
  /// - `latest` points at the newest recorded folder that exists.
  ///
  /// Nothing else is touched: not another job's folders, not a user's files.
  func tidy(recorded: [String], log: (JobEvent) -> Void) {
    let fileManager = FileManager.default
    let recordedNames = Set(
      recorded.filter { $0.hasPrefix(root.path + "/") }.map {
        URL(fileURLWithPath: $0).lastPathComponent
      }
    )
    let names = ((try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    for name in names {
      let url = root.appendingPathComponent(name)
      if let leftover = Leftover(name: name) {
        guard !leftover.ownerIsRunning, Leftover.isOurKind(url) else { continue }
        let target = root.appendingPathComponent(leftover.target)
        let marker = OutputFolder.readMarker(in: url)
        if leftover.kind == .temporary, marker?.owner == job,
          recordedNames.contains(leftover.target), !fileManager.fileExists(atPath: target.path),
          rename(url.path, target.path) == 0
        {
          log(
            JobEvent(
              .warning,
              "put in place the recorded reports of an interrupted run",
              [("path", target.path)]
            )
          )
        } else if leftover.kind == .previous, !fileManager.fileExists(atPath: target.path),
          rename(url.path, target.path) == 0
        {
          log(
            JobEvent(
              .warning,
              "put back the reports an interrupted run moved aside",
              [("path", target.path)]
            )
          )
        } else if (try? fileManager.removeItem(at: url)) != nil {
          log(JobEvent(.warning, "removed the leftovers of an interrupted run", [("path", name)]))
        }
        continue
      }
      guard !recordedNames.contains(name), !OutputFolder.isSymbolicLink(url.path),
        OutputFolder.readMarker(in: url)?.owner == job
      else { continue }
      if (try? fileManager.removeItem(at: url)) != nil {
        log(JobEvent(.warning, "removed a report folder no run was recorded for", [("path", name)]))
      }
    }
    let newest = recorded.first {
      $0.hasPrefix(root.path + "/") && fileManager.fileExists(atPath: $0)
    }
    if let newest { pointLatest(to: URL(fileURLWithPath: newest).lastPathComponent) }
  }

  /// A folder name for a run made at `stamp`, not yet taken in the root.
  func newFolderName(asOf: Day, stamp: String) -> String {
    let names = Set((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
    let taken = names.union(names.compactMap { Leftover(name: $0)?.target })
    var name = "\(asOf)_\(stamp)"
    var suffix = 2
    while taken.contains(name) {
      name = "\(asOf)_\(stamp)-\(suffix)"
      suffix += 1
    }
    return name
  }

  /// `latest` → `folderName`, replaced in one rename; a `latest` that is not
  /// a symbolic link is left alone.
  func pointLatest(to folderName: String) {
    let latest = root.appendingPathComponent("latest").path
    if FileManager.default.fileExists(atPath: latest) && !OutputFolder.isSymbolicLink(latest) {
      return
    }
    if (try? FileManager.default.destinationOfSymbolicLink(atPath: latest)) == folderName { return }
    let temporary = root.appendingPathComponent(Leftover.name(for: "latest", kind: .temporary)).path
    if symlink(folderName, temporary) == 0, rename(temporary, latest) != 0 { unlink(temporary) }
  }

  /// Removes the folders of pruned runs that are this job's own.
  func remove(pruned folders: [String]) {
    for folder in folders where folder.hasPrefix(root.path + "/") {
      let url = URL(fileURLWithPath: folder)
      guard !OutputFolder.isSymbolicLink(folder), OutputFolder.readMarker(in: url)?.owner == job
      else { continue }
      try? FileManager.default.removeItem(at: url)
    }
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
