/// A problem found in an input, with where it is and how serious.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable, Hashable {
    case error
    case warning
    case note
  }

  public var severity: Severity
  public var message: String
  public var location: SourceLocation?

  public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil) {
    self.severity = severity
    self.message = message
    self.location = location
  }

  /// The `file:line:column: error: message` form of compilers and swift-format.
  public var description: String {
    if let location {
      return "\(location): \(severity.rawValue): \(message)"
    }
    return "\(severity.rawValue): \(message)"
  }
}

/// Collects the recoverable problems of a stage so that work goes on and every
/// problem is reported in one run.
public final class DiagnosticCollector {
  public private(set) var diagnostics: [Diagnostic] = []

  public init() {}

  public func emit(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

  public func error(_ message: String, at location: SourceLocation?) {
    emit(Diagnostic(.error, message, at: location))
  }

  public func warning(_ message: String, at location: SourceLocation?) {
    emit(Diagnostic(.warning, message, at: location))
  }

  public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
