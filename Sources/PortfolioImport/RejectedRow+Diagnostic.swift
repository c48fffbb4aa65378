public import PolicyScoreCore

extension RejectedRow {
  /// The row as the terminal shows it, at its line and the column where the
  /// field at fault starts.
  ///
  /// A totals or note line is a note: it is not a holding, so its leaving is
  /// no loss. Any other rejected row is a warning.
  public func diagnostic(in file: String) -> Diagnostic {
    let location = SourceLocation(file: file, line: line, column: position)
    guard countsAgainstBudget else {
      return Diagnostic(.note, "\(reason); not counted", at: location)
    }
    let inColumn = column.isEmpty ? "" : " (column '\(column)')"
    return Diagnostic(.warning, "row rejected\(inColumn): \(reason)", at: location)
  }
}
