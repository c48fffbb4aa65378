/// What the values of a price file are.
///
/// Said by `--price-kind` or read from the header (复权, 收盘价, 涨跌幅),
/// never guessed: a file whose header does not tell is refused until the
/// user says.
public enum PriceKind: String, CaseIterable, Sendable {
  /// Closes adjusted for dividends and splits (复权): a level series.
  case adjusted
  /// Closes as traded: a dividend or split shows as a loss on its day.
  /// Accepted only when the user says so, or when a previous-close column
  /// (前收盘价) gives each day's return exactly.
  case unadjusted
  /// Daily returns, in percent or as fractions (see `ReturnUnit`).
  case returns
}

/// How returns are written: `1.5` meaning 1.5% or 150%.
public enum ReturnUnit: String, CaseIterable, Sendable {
  case percent
  case fraction
}
