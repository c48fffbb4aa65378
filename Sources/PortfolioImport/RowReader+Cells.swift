import Foundation
import PolicyScoreCore

/// A row's cells read into a holding: numbers, origin, split, and the lines
/// that are not holdings at all.
extension RowReader {
  mutating func number(
    _ column: PortfolioColumn,
    _ record: CSVScanner.Record
  ) throws(CellError)
    -> ValueParser.Number?
  {
    let text = cell(column, record)
    do {
      return try ValueParser.number(text)
    } catch .notFinite {
      throw CellError(column: column, reason: "'\(text)' is not a finite number")
    } catch {
      throw CellError(column: column, reason: "'\(text)' is not a number")
    }
  }

  mutating func holding(from record: CSVScanner.Record) throws(CellError) -> Holding {
    let ticker = cell(.ticker, record)
    let name = cell(.name, record)
    if ticker.isEmpty && name.isEmpty {
      throw CellError(
        column: positions[0] >= 0 ? .ticker : .name,
        reason: "neither a ticker nor a name"
      )
    }
    let identifier = Ticker(ticker)
    if let problem = identifier.problem { throw CellError(column: .ticker, reason: problem) }
    var weight = 0.0
    var marketValue: Double?
    if positions[2] >= 0 {
      guard let parsed = try number(.weight, record) else {
        throw CellError(column: .weight, reason: "weight is blank")
      }
      if parsed.value < 0 { throw CellError(column: .weight, reason: "weight is negative") }
      anyPercent = anyPercent || parsed.isPercent
      weight = parsed.value
    }
    if positions[3] >= 0, let parsed = try number(.marketValue, record) {
      if parsed.value < 0 {
        throw CellError(column: .marketValue, reason: "market value is negative")
      }
      if parsed.isPercent {
        throw CellError(
          column: .marketValue,
          reason:
            "market value '\(cell(.marketValue, record))' is a percentage; give an amount, or put percentages in a weight column"
        )
      }
      marketValue = parsed.value
    } else if positions[2] < 0 && positions[3] >= 0 {
      throw CellError(column: .marketValue, reason: "market value is blank")
    }
    var chinaShare: Double?
    if let parsed = try number(.chinaShare, record) {
      let value = parsed.isPercent || parsed.value > 1 ? parsed.value / 100 : parsed.value
      guard (0...1).contains(value) else {
        throw CellError(column: .chinaShare, reason: "China revenue share must be within 0...100%")
      }
      chinaShare = value
    }
    let originText = cell(.origin, record)
    var origin: Origin?
    if !originText.isEmpty {
      guard let parsed = Self.origin(originText) else {
        throw CellError(
          column: .origin,
          reason:
            "origin '\(originText)' is neither domestic (CN, China, 中国, domestic) nor foreign (a country code, foreign, MNC, 外资)"
        )
      }
      origin = parsed
    }
    let madeText = cell(.madeInChina, record)
    var madeInChina: Bool?
    if !madeText.isEmpty {
      guard let parsed = Self.yesNo(madeText) else {
        throw CellError(
          column: .madeInChina,
          reason:
            "made in China '\(madeText)' is neither yes (yes, true, 1, 是) nor no (no, false, 0, 否)"
        )
      }
      madeInChina = parsed
    }
    let portfolio = cell(.portfolio, record)
    let rare = Holding.Rare(
      marketValue: marketValue,
      origin: origin,
      chinaShare: chinaShare,
      split: try split(cell(.segments, record)),
      madeInChina: madeInChina
    )
    // A file that gives every row an origin or a China share has few
    // distinct ones: a row like the one before shares its box.
    if recentRare?.value != rare { recentRare = rare.boxed }
    return Holding(
      line: record.line,
      portfolio: portfolio.isEmpty ? "default" : portfolio,
      ticker: identifier,
      name: name,
      weight: weight,
      description: cell(.description, record),
      industryCodes: CellList.split(cell(.industryCodes, record)),
      rare: recentRare
    )
  }

  static func yesNo(_ text: String) -> Bool? {
    switch ColumnAliases.fold(text) {
    case "yes", "y", "true", "1", "是", "有": return true
    case "no", "n", "false", "0", "否", "无": return false
    default: return nil
    }
  }

  func split(_ text: String) throws(CellError) -> [SegmentShare]? {
    do {
      return try SegmentSplit.parse(text, known: knownSegments)
    } catch {
      throw CellError(column: .segments, reason: error.reason)
    }
  }

  static let domesticWords: Set<String> = [
    "domestic", "cn", "chn", "china", "prc", "mainland", "hk", "hongkong", "中国", "国内", "境内",
    "内资", "中资", "本土", "国产",
  ]
  static let foreignWords: Set<String> = [
    "foreign", "multinational", "mnc", "international", "外资", "境外", "外国", "跨国", "进口",
  ]

  static func origin(_ text: String) -> Origin? {
    // Most files write CN or a country code.
    if text == "CN" || text == "cn" { return .domestic }
    let folded = ColumnAliases.fold(text)
    if domesticWords.contains(folded) { return .domestic }
    if foreignWords.contains(folded) { return .foreign }
    if folded.count == 2 || folded.count == 3, folded.allSatisfy({ $0.isLetter && $0.isASCII }) {
      return .foreign  // an ISO country code other than CN/HK
    }
    return nil
  }

  static let totalsWords: Set<String> = [
    "合计", "总计", "小计", "总合计", "合计:", "总计:", "total", "totals", "sum", "grandtotal",
    "subtotal",
  ]
  static let notePrefixes = ["注", "备注", "说明", "数据来源", "来源", "source", "note", "*", "※"]

  /// "totals" or "note" when a record is one of the lines exports put around
  /// the holdings, else nil.
  static func nonHolding(_ record: CSVScanner.Record, positions: [Int]) -> String? {
    // Cheap first: a totals word starts with 合, 总, 小, T, S or G, a code with a digit.
    func mayBeTotals(_ text: String) -> Bool {
      var text = text
      let start = text.withUTF8 { bytes -> UInt8? in
        guard let index = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        let lead = bytes[index]
        guard lead >= 0x80, index + 2 < bytes.count else { return lead }
        switch (lead, bytes[index + 1], bytes[index + 2]) {
        case (0xE5, 0x90, 0x88), (0xE6, 0x80, 0xBB), (0xE5, 0xB0, 0x8F): return 0x54  // 合 总 小
        case (0xE3, 0x80, 0x80), (0xC2, 0xA0, _), (0xEF, _, _): return 0xFF  // wide space or letter
        default: return nil
        }
      }
      switch start {
      case 0x54, 0x74, 0x53, 0x73, 0x47, 0x67: return true
      case 0xFF?:
        guard let first = trimmed(text).unicodeScalars.first?.narrowed else { return false }
        return "合总小TtSsGg".unicodeScalars.contains(first)
      default: return false
      }
    }
    for column in [PortfolioColumn.ticker.ordinal, PortfolioColumn.name.ordinal] {
      let index = positions[column]
      if index >= 0, index < record.fields.count, mayBeTotals(record.fields[index]),
        totalsWords.contains(ColumnAliases.fold(record.fields[index]))
      {
        return "totals"
      }
    }
    // Count filled cells, stopping early: a holding fills more than three.
    var filled = 0
    var firstFilled: String?
    for field in record.fields where !isBlank(field) {
      filled += 1
      if firstFilled == nil { firstFilled = field }
      if filled > 3 { return nil }
    }
    guard let first = firstFilled.map(trimmed) else { return nil }
    if mayBeTotals(first), totalsWords.contains(ColumnAliases.fold(first)) { return "totals" }
    if filled == 1, notePrefixes.contains(where: { first.lowercased().hasPrefix($0) }) {
      return "note"
    }
    return nil
  }

  /// Whether `text` is empty or only spaces, without copying it.
  static func isBlank(_ text: String) -> Bool {
    guard let first = text.utf8.first else { return true }
    if first > 0x20 && first < 0x80 { return false }
    return trimmed(text).isEmpty
  }
}
