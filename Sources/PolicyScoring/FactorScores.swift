import HoldingMapping
public import PolicyModel
import PolicyScoreCore
import PortfolioImport

/// The three policy factors, each on 0...100 with 50 policy-neutral.
public struct FactorScores: Sendable, Hashable {
  /// Encouraged status.
  public var e: Double
  /// Financial support.
  public var f: Double
  /// Domestic substitution.
  public var d: Double

  public init(e: Double, f: Double, d: Double) {
    self.e = e
    self.f = f
    self.d = d
  }

  public static let neutral = FactorScores(e: 50, f: 50, d: 50)

  /// `w_E·E + w_F·F + w_D·D`.
  public func composite(_ weights: ModelParameters.Weights) -> Double {
    weights.encouraged * e + weights.financial * f + weights.substitution * d
  }

  /// Keeps the share `exposure` of each factor's distance from neutral.
  public func exposed(_ exposure: Double) -> FactorScores {
    FactorScores(
      e: 50 + exposure * (e - 50),
      f: 50 + exposure * (f - 50),
      d: 50 + exposure * (d - 50)
    )
  }
}
