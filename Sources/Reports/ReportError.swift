public import PolicyScoreCore

/// Why reports could not be written.
public enum ReportError: DiagnosticError, Equatable {
  case cannotWrite(path: String, reason: String)
  /// The folder is not PolicyScore's to replace.
  case notOurs(path: String, reason: String)

  public var diagnostics: [Diagnostic] {
    switch self {
    case .cannotWrite(let path, let reason):
      return [Diagnostic(.error, "cannot write reports to '\(path)': \(reason)")]
    case .notOurs(let path, let reason):
      return [Diagnostic(.error, "will not write reports into '\(path)': \(reason)")]
    }
  }
}
