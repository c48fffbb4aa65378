public import PolicyScoreCore

/// Why a model could not be loaded.
public enum ModelError: Error, Equatable, CustomStringConvertible {
  /// The model folder does not exist or lacks a required file.
  case missingFile(String)
  /// The files were read, but have errors; every one is listed.
  case invalid([Diagnostic])

  public var description: String {
    switch self {
    case .missingFile(let path): return "model file '\(path)' not found"
    case .invalid(let diagnostics):
      let errors = diagnostics.filter { $0.severity == .error }
      return "the model has \(errors.count) error\(errors.count == 1 ? "" : "s")"
    }
  }
}
