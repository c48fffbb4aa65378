public import PolicyScoreCore

/// The catalogue edition a run scores with, and why.
public struct EditionChoice: Sendable, Hashable {
  public var edition: String
  /// `in force on 2021-06-30: effective 2020-01-01 until 2024-02-01`, or
  /// what set it and which edition was in force.
  public var reason: String
}

extension ModelBundle {
  /// The catalogue in force on `day`: the latest edition effective by then
  /// and not yet repealed; nil before the earliest.
  public func catalog(inForceOn day: Day) -> Catalog? {
    catalogs.values
      .filter { $0.effective <= day && ($0.repealed.map { day < $0 } ?? true) }
      .max { $0.effective < $1.effective }
  }

  /// The edition for a run as of `day`: the one in force, unless `given`
  /// (by `--edition`, a job or a scenario, said by `givenBy`) sets another.
  ///
  /// - Throws: when nothing is given and no edition the model holds was in
  ///   force on `day`, or when `given` names an edition the model lacks.
  public func chooseEdition(
    asOf day: Day,
    given: String? = nil,
    givenBy: String = "--edition"
  ) throws(Diagnostic) -> EditionChoice {
    let inForce = catalog(inForceOn: day)
    if let given {
      guard catalog(edition: given) != nil else {
        throw Diagnostic(
          .error,
          "no catalogue for edition '\(given)'; the model has \(editions.joined(separator: ", "))"
        )
      }
      let reason: String
      switch inForce?.edition {
      case given: reason = "set by \(givenBy), and in force on \(day)"
      case let other?: reason = "set by \(givenBy); edition \(other) was in force on \(day)"
      case nil: reason = "set by \(givenBy); no edition the model holds was in force on \(day)"
      }
      return EditionChoice(edition: given, reason: reason)
    }
    guard let inForce else {
      let earliest = catalogs.values.min { $0.effective < $1.effective }
      throw Diagnostic(
        .error,
        "no catalogue edition in force on \(day): the earliest the model holds, \(earliest?.edition ?? "-"), took effect on \(earliest?.effective.description ?? "-"); give --edition to score with one anyway"
      )
    }
    let until = inForce.repealed.map { " until \($0)" } ?? ""
    return EditionChoice(
      edition: inForce.edition,
      reason: "in force on \(day): effective \(inForce.effective)\(until)"
    )
  }
}
