import PolicyScoreCore

/// A catalogue category.
///
/// `allowed` is the catalogue's own unlisted fourth class.
public enum Category: String, CaseIterable, Sendable, Hashable, Comparable {
  case encouraged
  case allowed
  case restricted
  case eliminated

  /// Report order: encouraged first, eliminated last.
  public static func < (lhs: Category, rhs: Category) -> Bool { lhs.order < rhs.order }

  private var order: Int {
    switch self {
    case .encouraged: return 0
    case .allowed: return 1
    case .restricted: return 2
    case .eliminated: return 3
    }
  }
}

/// The industry a segment belongs to, from the fixed list of DESIGN.md.
public enum Domain: String, CaseIterable, Sendable, Hashable, Comparable {
  case chemicalDrugs = "chemical-drugs"
  case apis
  case biologics
  case tcm
  case medicalDevices = "medical-devices"
  case diagnostics
  case bioprocessSupply = "bioprocess-supply"
  case researchServices = "research-services"
  case healthcareServices = "healthcare-services"
  case distributionRetail = "distribution-retail"

  public static func < (lhs: Domain, rhs: Domain) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How sure a fact is: seen in the official text, seen in a secondary copy,
/// or recalled from memory and not seen.
public enum Verification: String, CaseIterable, Sendable, Hashable {
  case primary
  case secondary
  case recalled
}

/// What a fact of the model is about, for `model check`'s counts.
public enum FactKind: String, CaseIterable, Sendable, Hashable {
  case classification = "catalogue classifications"
  case instrument = "instruments"
  case strength = "instrument strengths"
  case substitution = "substitution levels"
  case mention = "strategic mentions"
  case company = "company segment mixes"
  case listing = "listings"
  case code = "industry codes"
  case parameter = "parameters"
}

/// How a fact of the model is grounded, for `model check`'s counts.
public enum Grade: Hashable, Sendable, CustomStringConvertible {
  case verified(Verification)
  case assumption

  public var description: String {
    switch self {
    case .verified(let verification): return verification.rawValue
    case .assumption: return "assumption"
    }
  }

  /// Recalled or assumed: not seen in a source.
  public var isUnsure: Bool {
    switch self {
    case .verified(.recalled), .assumption: return true
    case .verified: return false
    }
  }
}

/// Whether an instrument helps or hurts the segments it applies to.
public enum Direction: String, CaseIterable, Sendable, Hashable {
  case tailwind
  case headwind
}
