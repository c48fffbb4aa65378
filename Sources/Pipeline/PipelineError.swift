public import HistoryStore
public import PolicyScoreCore
public import PortfolioImport
public import Reports

/// Why the pipeline stopped.
///
/// The data-loss budget and the coverage minimum are worded here once, for
/// every command and job.
public enum PipelineError: DiagnosticError, Equatable {
  case portfolio(PortfolioError)
  /// More rows rejected than the budget allows (totals and notes aside).
  case tooManyRejects(file: String, rejected: Int, rows: Int, limit: Double)
  /// Mapped holdings carry less weight than the minimum; the heaviest
  /// unmapped holdings, as `ticker (line N, W%)`.
  case coverageTooLow(file: String, percent: Double, limit: Double, heaviest: [String])
  case reports(ReportError)
  case store(StoreError)
  /// The model cannot score as asked: no edition in force on the date.
  case model(Diagnostic)
  /// No row became a holding: a header alone, or only totals, notes and
  /// rejected rows.
  case noHoldings(file: String, skipped: Int)

  public var diagnostics: [Diagnostic] {
    switch self {
    case .portfolio(let error): return error.diagnostics
    case .model(let diagnostic): return [diagnostic]
    case .tooManyRejects(let file, let rejected, let rows, let limit):
      let share = rows > 0 ? Double(rejected) / Double(rows) * 100 : 0
      return [
        Diagnostic(
          .error,
          "\(rejected) of \(rows) rows rejected (\(fixed(share, decimals: 1))%), above the data-loss budget of \(format(limit))% (--max-rejects, or max_rejects in a job); nothing was written or recorded",
          at: SourceLocation(file: file)
        )
      ]
    case .coverageTooLow(let file, let percent, let limit, let heaviest):
      let unmapped =
        heaviest.isEmpty ? "" : "; unmapped, heaviest first: " + heaviest.joined(separator: ", ")
      return [
        Diagnostic(
          .error,
          "mapping covers \(fixed(percent, decimals: 1))% of the weight, below the minimum of \(format(limit))% (--min-coverage, or min_coverage in a job); nothing was written or recorded\(unmapped)",
          at: SourceLocation(file: file)
        )
      ]
    case .reports(let error): return error.diagnostics
    case .store(let error): return error.diagnostics
    case .noHoldings(let file, let skipped):
      let why =
        skipped == 0
        ? "the file has a header and no rows"
        : "none of its \(skipped) row\(skipped == 1 ? "" : "s") is a holding (totals, notes or rejected rows)"
      return [
        Diagnostic(
          .error,
          "no holdings to score: \(why); nothing was written or recorded",
          at: SourceLocation(file: file)
        )
      ]
    }
  }

  /// Whether the input's data fell short of what the run requires (exit
  /// code 65), rather than the run failing (exit code 1).
  public var isDataError: Bool {
    switch self {
    case .tooManyRejects, .coverageTooLow, .noHoldings: return true
    case .portfolio(.rejected): return true
    default: return false
    }
  }
}
