public import PolicyModel
import PolicyScoreCore
public import PortfolioImport

/// Which listing a holding is: found by its ticker or by its name, named by
/// several, or none.
public enum Identity: Sendable, CustomStringConvertible {
  case listing(Listing, byName: Bool)
  /// The name names several companies: none is chosen.
  case ambiguous([Listing])
  case unknown

  public var listing: Listing? {
    if case .listing(let listing, _) = self { return listing }
    return nil
  }

  /// `600519.SH 贵州茅台 Kweichow Moutai, identified by name`.
  public var description: String {
    switch self {
    case .listing(let listing, let byName):
      return "\(listing.ticker) \(listing.displayName)" + (byName ? ", identified by name" : "")
    case .ambiguous(let listings):
      return "a name of \(listings.count) listings"
    case .unknown:
      return "not a known listing"
    }
  }

  /// What a mapping's evidence says first, when the holding was identified
  /// by its name: `identified by name as 600276.SH 恒瑞医药; `.
  var note: String {
    guard case .listing(let listing, true) = self else { return "" }
    return "identified by name as \(listing.ticker) \(listing.displayName); "
  }
}

extension Mapper {
  /// The listing `holding` is: by its ticker, else by its name when the name
  /// names one company.
  public func identify(_ holding: Holding) -> Identity {
    if let listing = universe.listing(ticker: holding.ticker.canonical) {
      return .listing(listing, byName: false)
    }
    guard !holding.name.isEmpty else { return .unknown }
    let named = universe.listings(named: holding.name)
    switch named.count {
    case 0: return .unknown
    case 1: return .listing(named[0], byName: true)
    default: return .ambiguous(named)
    }
  }

  /// When the ticker found a listing and the name is another company's:
  /// the ticker is taken, and the mapping is borderline with both named.
  func nameConflict(_ holding: Holding, _ identity: Identity) -> String? {
    guard case .listing(let listing, false) = identity, !holding.name.isEmpty else { return nil }
    let named = universe.listings(named: holding.name)
    let same = named.contains {
      $0.ticker == listing.ticker || listing.sameCompany.contains($0.ticker)
        || $0.sameCompany.contains(listing.ticker)
    }
    guard let other = named.first, !same else { return nil }
    return
      "the ticker is \(listing.ticker) \(listing.displayName), but the name '\(holding.name)' is \(other.ticker) \(other.displayName); the ticker was taken"
  }
}
