import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A status line on standard error for work that takes a while: the stage
/// and the seconds since the first stage began, redrawn in place.
///
/// Only on a terminal, and only once the work has run for a second
/// (`POLICYSCORE_PROGRESS_DELAY` seconds when set), so a quick run and a cron
/// job's log see nothing. Diagnostics clear the line
/// before they print (`printError`), and `finish` clears it for good before
/// the command prints its result.
final class Progress: @unchecked Sendable {
  /// The process's one status line: one command runs per process.
  static let shared = Progress(
    enabled: isatty(STDERR_FILENO) != 0,
    delay: ProcessInfo.processInfo.environment["POLICYSCORE_PROGRESS_DELAY"].flatMap(Double.init)
      .flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
      ?? 1
  )

  private let lock = NSLock()
  private let enabled: Bool
  private let delay: Double
  private var started: DispatchTime?
  private var stage = ""
  private var drawn = false
  private var timer: (any DispatchSourceTimer)?

  init(enabled: Bool, delay: Double) {
    self.enabled = enabled
    self.delay = max(0, delay)
  }

  /// The work now under way, as "mapping and scoring 1,000,000 holdings".
  func stage(_ name: String) {
    lock.withLock {
      stage = name
      guard enabled, started == nil else { return }
      started = .now()
      let timer = DispatchSource.makeTimerSource(queue: .global())
      timer.schedule(deadline: .now() + delay, repeating: 0.25)
      timer.setEventHandler { [weak self] in self?.draw() }
      timer.resume()
      self.timer = timer
    }
  }

  /// Clears the line until the next redraw, for a diagnostic to print.
  func clear() {
    lock.withLock { clearLocked() }
  }

  /// Stops and clears the line.
  func finish() {
    lock.withLock {
      timer?.cancel()
      timer = nil
      clearLocked()
    }
  }

  /// The line for `stage` after `seconds`: "mapping and scoring… 3.2 s".
  static func line(stage: String, seconds: Double) -> String {
    "\(stage)… \(String(format: "%.1f", seconds)) s"
  }

  private func clearLocked() {
    if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    drawn = false
  }

  private func draw() {
    lock.withLock {
      guard timer != nil, let started else { return }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
      let text = "\r\u{1B}[2K" + Self.line(stage: stage, seconds: seconds)
      FileHandle.standardError.write(Data(text.utf8))
      drawn = true
    }
  }
}
