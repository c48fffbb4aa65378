/// An error a user sees: every problem as a diagnostic, located where there
/// is a place to point at, so that one printer shows them all alike.
public protocol DiagnosticError: Error, CustomStringConvertible {
  /// The problems, most important first; at least one error among them.
  var diagnostics: [Diagnostic] { get }
}

extension DiagnosticError {
  /// The diagnostics, one a line.
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Diagnostic: DiagnosticError {
  public var diagnostics: [Diagnostic] { [self] }
}

/// Problems found in one input, each located, ending with how many errors
/// there were in `subject` ("the labels").
public struct Diagnostics: DiagnosticError, Equatable {
  public var problems: [Diagnostic]
  public var subject: String

  public init(_ problems: [Diagnostic], in subject: String) {
    self.problems = problems
    self.subject = subject
  }

  public var diagnostics: [Diagnostic] {
    let errors = problems.filter { $0.severity == .error }.count
    return problems + [
      Diagnostic(.error, "\(subject) have \(errors) error\(errors == 1 ? "" : "s")")
    ]
  }
}
