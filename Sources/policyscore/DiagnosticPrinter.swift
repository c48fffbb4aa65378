import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

#if canImport(Glibc)
import Glibc
#endif

/// Writes diagnostics to standard error as `file:line:col: error: message`,
/// in colour only when standard error is a terminal.
enum DiagnosticPrinter {
  static let colour =
    isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

  static func print(_ diagnostic: Diagnostic) {
    var diagnostic = diagnostic
    if let file = diagnostic.location?.file { diagnostic.location?.file = shown(file) }
    var line = diagnostic.description
    if colour {
      let code: String
      switch diagnostic.severity {
      case .error: code = "31"
      case .warning: code = "33"
      case .note: code = "36"
      }
      let label = "\(diagnostic.severity.rawValue):"
      line = line.replacingOccurrences(of: label, with: "\u{1B}[1;\(code)m\(label)\u{1B}[0m")
    }
    printError(line)
  }

  static func print(_ diagnostics: [Diagnostic]) { diagnostics.forEach { print($0) } }

  static func error(_ message: String) { print(Diagnostic(.error, message)) }
}

/// A path as the user can open it from the current folder: relative when it
/// lies inside it, else absolute.
///
/// A store's URL is shown without its password.
func shown(_ path: String) -> String {
  if Store.isServer(path) { return Store.shown(path) }
  let current = FileManager.default.currentDirectoryPath
  let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
  let prefix = current.hasSuffix("/") ? current : current + "/"
  return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
}

/// Writes a line to standard error, clearing any status line first.
func printError(_ line: String) {
  Progress.shared.clear()
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes a command's result to standard output, ending it with exactly one
/// line break (CSV output already ends with CRLF).
func printResult(_ text: String) {
  let ended = text.hasSuffix("\n") || text.hasSuffix("\r\n") ? text : text + "\n"
  FileHandle.standardOutput.write(Data(ended.utf8))
}
