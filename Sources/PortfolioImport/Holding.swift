public import PolicyScoreCore

/// One row of a portfolio: a company, its weight, and what we know about it.
///
/// A value type over one shared, copy-on-write box: a run copies each holding
/// into its score, its mapping rows and its comparisons, and a copy costs one
/// reference count instead of one per field.
public struct Holding: Sendable, Hashable {
  @usableFromInline struct Fields: Hashable {
    @usableFromInline var line: Int
    @usableFromInline var portfolio: String
    @usableFromInline var ticker: Ticker
    @usableFromInline var name: String
    @usableFromInline var weight: Double
    @usableFromInline var description: String
    @usableFromInline var industryCodes: [String]
    /// Nil while every rarer field is unset, as in most rows.
    @usableFromInline var rare: Shared<Rare>?
  }

  /// Fields most files leave blank, kept apart so that a holding without
  /// them takes 48 bytes less (a million holdings are read at once).
  @usableFromInline struct Rare: Hashable, Sendable {
    @usableFromInline var marketValue: Double?
    @usableFromInline var origin: Origin?
    @usableFromInline var chinaShare: Double?
    @usableFromInline var split: [SegmentShare]?
    @usableFromInline var madeInChina: Bool?
    @usableFromInline var mergedLines: [Int] = []

    /// Nil when nothing is set.
    var boxed: Shared<Rare>? { self == Rare() ? nil : Shared(self) }
  }

  /// Mutated only while uniquely referenced, so shared copies never change.
  @usableFromInline final class Box: @unchecked Sendable {
    /// Unchecked: every getter of every holding read it through a check of
    /// exclusive access at run time, and only a uniquely referenced box is
    /// written.
    @exclusivity(unchecked) @usableFromInline var fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }

  // Inlinable getters: every later stage, each its own target, reads them
  // per holding.
  @usableFromInline var box: Box

  /// Starts loading the holding's fields, for a pass that reads holdings out
  /// of memory order.
  @inlinable package func prefetch() { Prefetch.object(box) }

  /// Starts loading the fields of `holdings[index]`, if there is one,
  /// without counting a reference to them: counting one waits for the load.
  @inlinable package static func prefetch(_ holdings: [Holding], at index: Int) {
    guard index < holdings.count else { return }
    holdings.withUnsafeBufferPointer { holdings in
      // A holding is its box's reference and nothing more.
      assert(MemoryLayout<Holding>.size == MemoryLayout<UnsafeRawPointer>.size)
      let element = UnsafeRawPointer(holdings.baseAddress.unsafelyUnwrapped + index)
      Prefetch.address(element.load(as: UnsafeRawPointer.self))
    }
  }

  private mutating func update(_ change: (inout Fields) -> Void) {
    if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
    change(&box.fields)
  }

  private mutating func updateRare(_ change: (inout Rare) -> Void) {
    update { fields in
      var rare = fields.rare?.value ?? Rare()
      change(&rare)
      fields.rare = rare.boxed
    }
  }

  /// 1-based line of the row in the file.
  public var line: Int {
    @inlinable get { box.fields.line }
    set { update { $0.line = newValue } }
  }
  public var portfolio: String {
    @inlinable get { box.fields.portfolio }
    set { update { $0.portfolio = newValue } }
  }
  public var ticker: Ticker {
    @inlinable get { box.fields.ticker }
    set { update { $0.ticker = newValue } }
  }
  public var name: String {
    @inlinable get { box.fields.name }
    set { update { $0.name = newValue } }
  }
  /// Share of its portfolio on 0...1: from the weight column, else from market value.
  public var weight: Double {
    @inlinable get { box.fields.weight }
    set { update { $0.weight = newValue } }
  }
  public var marketValue: Double? {
    @inlinable get { box.fields.rare?.value.marketValue }
    set { updateRare { $0.marketValue = newValue } }
  }
  public var description: String {
    @inlinable get { box.fields.description }
    set { update { $0.description = newValue } }
  }
  /// Industry codes as written, one per entry (`GB:3581`, `医疗设备`).
  public var industryCodes: [String] {
    @inlinable get { box.fields.industryCodes }
    set { update { $0.industryCodes = newValue } }
  }
  public var origin: Origin? {
    @inlinable get { box.fields.rare?.value.origin }
    set { updateRare { $0.origin = newValue } }
  }
  /// Share of revenue earned in China on 0...1, when the file gives it.
  public var chinaShare: Double? {
    @inlinable get { box.fields.rare?.value.chinaShare }
    set { updateRare { $0.chinaShare = newValue } }
  }
  /// An explicit segment split from the file, shares summing to 1.
  public var split: [SegmentShare]? {
    @inlinable get { box.fields.rare?.value.split }
    set { updateRare { $0.split = newValue } }
  }
  /// Whether a foreign company makes its products in China (government
  /// procurement counts them as domestic), when the file says.
  public var madeInChina: Bool? {
    @inlinable get { box.fields.rare?.value.madeInChina }
    set { updateRare { $0.madeInChina = newValue } }
  }
  /// Later rows of the same company in the same portfolio, merged into this one.
  public var mergedLines: [Int] {
    @inlinable get { box.fields.rare?.value.mergedLines ?? [] }
    set { updateRare { $0.mergedLines = newValue } }
  }

  /// How many input rows this holding stands for.
  public var rowCount: Int { 1 + (box.fields.rare?.value.mergedLines.count ?? 0) }

  public init(
    line: Int,
    portfolio: String,
    ticker: Ticker,
    name: String,
    weight: Double,
    marketValue: Double?,
    description: String,
    industryCodes: [String],
    origin: Origin?,
    chinaShare: Double?,
    split: [SegmentShare]?,
    madeInChina: Bool? = nil
  ) {
    self.init(
      line: line,
      portfolio: portfolio,
      ticker: ticker,
      name: name,
      weight: weight,
      description: description,
      industryCodes: industryCodes,
      rare: Rare(
        marketValue: marketValue,
        origin: origin,
        chinaShare: chinaShare,
        split: split,
        madeInChina: madeInChina
      ).boxed
    )
  }

  /// With the rarer fields in a box that other holdings may share.
  init(
    line: Int,
    portfolio: String,
    ticker: Ticker,
    name: String,
    weight: Double,
    description: String,
    industryCodes: [String],
    rare: Shared<Rare>?
  ) {
    box = Box(
      Fields(
        line: line,
        portfolio: portfolio,
        ticker: ticker,
        name: name,
        weight: weight,
        description: description,
        industryCodes: industryCodes,
        rare: rare
      )
    )
  }

  public static func == (a: Holding, b: Holding) -> Bool {
    a.box === b.box || a.box.fields == b.box.fields
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(box.fields) }

  /// The key a ranking breaks ties on: canonical ticker, then name, then line.
  public var sortKey: (String, String, Int) { (ticker.canonical, name, line) }
}

/// A row that could not be imported, with where and why.
public struct RejectedRow: Sendable, Hashable {
  public var line: Int
  /// The 1-based field at fault, or 0 when the whole row is.
  public var field: Int
  /// The 1-based character where that field starts in `raw` (1 for the
  /// whole row): the column of the row's diagnostic.
  public var position: Int
  /// The header of the field at fault, or "" when the whole row is.
  public var column: String
  public var reason: String
  public var raw: String
  /// False for totals and note lines: not holdings, so not data loss.
  public var countsAgainstBudget = true

  public init(
    line: Int,
    field: Int = 0,
    position: Int = 1,
    column: String,
    reason: String,
    raw: String,
    countsAgainstBudget: Bool = true
  ) {
    self.line = line
    self.field = field
    self.position = position
    self.column = column
    self.reason = reason
    self.raw = raw
    self.countsAgainstBudget = countsAgainstBudget
  }
}
