public import PolicyScoreCore

/// One edition of the guidance catalogue's medical section.
public struct Catalog: Sendable {
  public var id: String
  public var edition: String
  public var document: SourceID
  public var effective: Day
  public var repealed: Day?
  public var items: [CatalogItem]
  public var declaredCounts: [Category: Int]
  public var countsFact: Fact
  /// How sure "allowed" is for a catalogue segment no item of this edition
  /// names: as sure as the edition's lists are complete.
  public var unlistedFact: Fact

  /// The item that lists `segment` under this edition; nil means allowed.
  public func item(listing segment: SegmentID) -> CatalogItem? { itemBySegment[segment] }

  /// The category of `segment` under this edition, after any scenario override.
  public func category(of segment: SegmentID) -> Category {
    categoryOverrides[segment] ?? itemBySegment[segment]?.category ?? .allowed
  }

  /// Segment statuses a scenario sets, whatever the catalogue lists.
  public var categoryOverrides: [SegmentID: Category] = [:]

  /// How sure the classification of `segment` in this edition is: the
  /// listing item's grade, else, for an unlisted segment, the reference
  /// segment's own grade or the edition's grade for what it leaves out.
  public func classification(of segment: Segment) -> Fact {
    factBySegment[segment.id] ?? segment.reference ?? unlistedFact
  }

  var itemBySegment: [SegmentID: CatalogItem] = [:]
  var factBySegment: [SegmentID: Fact] = [:]
}

/// A numbered entry of a catalogue category.
public struct CatalogItem: Sendable, Hashable {
  public var id: ItemID
  public var category: Category
  public var subtype: String?
  public var textZH: String
  public var textEN: String
  public var fact: Fact
  public var deadline: Day?
  public var segments: [SegmentID]
  public var location: SourceLocation
}
