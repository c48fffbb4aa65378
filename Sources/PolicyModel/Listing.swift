import PolicyScoreCore

/// A listed company in the universe: its ticker, names and industry
/// classifications, and whether they put it in healthcare.
public struct Listing: Sendable, Hashable {
  /// Canonical ticker: `600276.SH`, `0853.HK`, `ZLAB.US`.
  public var ticker: String
  public var nameZH: String
  public var nameEN: String
  /// The full registered name, where the source has one.
  public var fullNameZH: String
  /// The classifications as the mapper's concordances read them:
  /// `CSRC:C27`, `TS:化学制药`.
  public var codes: [String]
  /// The classifications as a reader would name them: `化学制药; C27医药制造业`.
  public var industry: String
  /// Whether the classifications put it in healthcare (see `Universe`).
  public var isHealthcare: Bool
  /// The company's other listings: `2359.HK` for `603259.SH`.
  public var sameCompany: [String]
  /// How sure the listing's classification is, and where it comes from.
  public var fact: Fact

  public init(
    ticker: String,
    nameZH: String,
    nameEN: String,
    fullNameZH: String,
    codes: [String],
    industry: String,
    isHealthcare: Bool,
    sameCompany: [String],
    fact: Fact
  ) {
    self.ticker = ticker
    self.nameZH = nameZH
    self.nameEN = nameEN
    self.fullNameZH = fullNameZH
    self.codes = codes
    self.industry = industry
    self.isHealthcare = isHealthcare
    self.sameCompany = sameCompany
    self.fact = fact
  }

  /// The name to show: Chinese and English where both are known.
  public var displayName: String {
    [nameZH, nameEN].filter { !$0.isEmpty }.joined(separator: " ")
  }
}
