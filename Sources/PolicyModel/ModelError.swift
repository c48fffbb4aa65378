public import PolicyScoreCore

/// Why a model could not be loaded.
public enum ModelError: DiagnosticError, Equatable {
  /// The model folder does not exist or lacks a required file.
  case missingFile(String)
  /// The files were read, but have errors; every one is listed.
  case invalid([Diagnostic])

  /// Every problem, then how many errors there were.
  public var diagnostics: [Diagnostic] {
    switch self {
    case .missingFile(let path):
      return [Diagnostic(.error, "model file not found", at: SourceLocation(file: path))]
    case .invalid(let diagnostics):
      let errors = diagnostics.filter { $0.severity == .error }.count
      return diagnostics + [
        Diagnostic(.error, "the model has \(errors) error\(errors == 1 ? "" : "s")")
      ]
    }
  }
}
