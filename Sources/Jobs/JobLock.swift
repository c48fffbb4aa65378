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

/// One run of a job at a time.
///
/// An exclusive `flock` on a lock file. The kernel
/// releases it when the holder exits or is killed, so a lock left by a killed
/// run is recovered by the next run.
public final class JobLock {
  public let path: String
  private let descriptor: Int32

  /// Takes the lock or throws `JobError.locked` naming the holder.
  public init(path: String, startedAt: String) throws(JobError) {
    self.path = path
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .invalid([Diagnostic(.error, "cannot open the lock file '\(path)'")])
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
      close(descriptor)
      throw .locked(holder: (holder?.isEmpty ?? true) ? "another process" : holder ?? "")
    }
    self.descriptor = descriptor
    let note = "pid \(ProcessInfo.processInfo.processIdentifier), started \(startedAt)\n"
    _ = ftruncate(descriptor, 0)
    _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
  }

  deinit {
    _ = ftruncate(descriptor, 0)
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
