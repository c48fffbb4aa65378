public import PolicyScoreCore

/// Why the history store failed.
public enum StoreError: DiagnosticError, Equatable {
  case cannotOpen(path: String, reason: String)
  case failed(String)
  case unknownRun(Int64)

  public var diagnostics: [Diagnostic] {
    switch self {
    case .cannotOpen(let path, let reason):
      return [
        Diagnostic(.error, "cannot open the store: \(reason)", at: SourceLocation(file: path))
      ]
    case .failed(let reason): return [Diagnostic(.error, "store error: \(reason)")]
    case .unknownRun(let id): return [Diagnostic(.error, "no run \(id) in the store")]
    }
  }
}
