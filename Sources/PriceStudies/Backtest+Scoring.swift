public import HoldingMapping
public import PolicyModel
public import PolicyScoreCore
import PolicyScoring
public import PortfolioImport

extension Backtest {
  /// Each date's scores of the portfolio's holdings, with the model as it
  /// stood on that date: the edition in force (unless `edition` is given),
  /// the instruments, mentions and substitution levels valid then.
  ///
  /// The mapping does not depend on the date, so it is made once. A ticker
  /// held in several portfolios of the file counts once.
  ///
  /// - Throws: when no edition is given and none was in force on a date.
  public static func sections(
    portfolio: Portfolio,
    outcomes: [MappingOutcome],
    model: ModelBundle,
    edition: String?,
    dates: [Day],
    progress: (Int) -> Void = { _ in }
  ) throws(Diagnostic) -> [CrossSection] {
    var sections: [CrossSection] = []
    for (index, day) in dates.enumerated() {
      let scoring = try ScoringModel(model: model, edition: edition, asOf: day)
      let run = ScoreRun(portfolio: portfolio, scoring: scoring, outcomes: outcomes)
      var seen = Set<String>()
      var entries: [Entry] = []
      for score in run.scores where seen.insert(score.holding.ticker.canonical).inserted {
        let factors = score.factors
        entries.append(
          Entry(
            ticker: score.holding.ticker.canonical,
            name: score.holding.name,
            values: [score.composite, factors.e, factors.f, factors.d],
            tier: score.tier
          )
        )
      }
      entries.sort { $0.ticker < $1.ticker }
      sections.append(CrossSection(day: day, edition: scoring.catalog.edition, entries: entries))
      progress(index + 1)
    }
    return sections
  }
}
