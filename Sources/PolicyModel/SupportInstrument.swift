public import PolicyScoreCore

/// A financial-support policy: a tax rate, fund, loan, insurance compensation,
/// market access rule, fast track, reimbursement or procurement rule.
public struct SupportInstrument: Sendable, Hashable {
  public enum Kind: String, CaseIterable, Sendable {
    case tax
    case fund
    case loanDiscount = "loan_discount"
    case insuranceCompensation = "insurance_compensation"
    case capitalMarketAccess = "capital_market_access"
    case procurement
    case fastTrackApproval = "fast_track_approval"
    case pricingReimbursement = "pricing_reimbursement"
  }

  public var id: InstrumentID
  public var nameZH: String
  public var nameEN: String
  public var kind: Kind
  public var fact: Fact
  public var parameters: [String]
  public var windows: [ValidityWindow]
  public var effects: [Effect]
  /// How unsure the strengths are, as a relative half-width on 0...1:
  /// sensitivity samples each strength times a factor in 1 ± uncertainty.
  public var uncertainty: Double
  public var location: SourceLocation

  /// Whether the instrument is in force on `day`.
  public func isValid(on day: Day) -> Bool { windows.contains { $0.contains(day) } }
}

/// A validity window, both ends inclusive; a missing end is open.
public struct ValidityWindow: Sendable, Hashable, CustomStringConvertible {
  public var from: Day
  public var to: Day?

  public func contains(_ day: Day) -> Bool { day >= from && (to.map { day <= $0 } ?? true) }

  public var description: String { "\(from)…\(to?.description ?? "")" }
}

/// One way an instrument moves F.
public struct Effect: Sendable, Hashable {
  public var direction: Direction
  /// 0...1: the share of the full 50-point swing the effect gives alone.
  public var strength: Double
  /// nil reaches companies of any origin.
  public var origin: Origin?
  public var selector: SegmentSelector
  public var rationale: String
}

/// Which segments an effect applies to.
///
/// A segment matches when it is named in `segments`, or its item is named in
/// `items`, or it passes the filter: every non-empty list among `domains` and
/// `categories` contains its value. Segments in `except` never match.
public struct SegmentSelector: Sendable, Hashable {
  public var segments: Set<SegmentID> = []
  public var items: Set<ItemID> = []
  public var domains: Set<Domain> = []
  public var categories: Set<Category> = []
  public var except: Set<SegmentID> = []

  public func matches(_ segment: Segment, item: ItemID?, category: Category) -> Bool {
    if except.contains(segment.id) { return false }
    if segments.contains(segment.id) { return true }
    if let item, items.contains(item) { return true }
    guard !domains.isEmpty || !categories.isEmpty else { return false }
    return (domains.isEmpty || domains.contains(segment.domain))
      && (categories.isEmpty || categories.contains(category))
  }
}
