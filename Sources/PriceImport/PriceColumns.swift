import Foundation
import PolicyScoreCore

/// The columns a price file may have, by the headers Wind, Choice, iFinD,
/// tushare and the public daily-bar collections use.
enum PriceColumn: CaseIterable {
  case date, ticker, name, close, previousClose, dailyReturn, volume

  /// Headers as `HeaderName.fold` leaves them: bracketed units folded away,
  /// so `收盘价(后复权)` matches `收盘价`; whether a close is adjusted is read
  /// from the raw header (see `isAdjusted`).
  var aliases: [String] {
    switch self {
    case .date: return ["date", "tradedate", "日期", "交易日期", "交易日", "时间", "datetime"]
    case .ticker:
      return ["ticker", "code", "tscode", "symbol", "windcode", "证券代码", "股票代码", "代码", "wind代码"]
    case .name: return ["name", "证券简称", "股票名称", "名称", "简称", "证券名称"]
    case .close:
      return [
        "close", "adjclose", "closeadj", "adjustedclose", "收盘价", "收盘", "复权收盘价", "后复权收盘价",
        "前复权收盘价", "后复权价", "前复权价",
      ]
    case .previousClose:
      return ["preclose", "prevclose", "previousclose", "前收盘价", "昨收盘价", "昨收", "前收盘"]
    case .dailyReturn:
      return ["return", "ret", "dailyreturn", "pctchg", "pctchange", "涨跌幅", "日收益率", "收益率", "日涨跌幅"]
    case .volume: return ["volume", "vol", "成交量"]
    }
  }

  static func column(for header: String) -> PriceColumn? {
    let folded = HeaderName.fold(header)
    return allCases.first { $0.aliases.contains(folded) }
  }
}

extension PriceColumn {
  /// Whether raw header or title text says the closes are adjusted.
  static func saysAdjusted(_ text: String) -> Bool {
    let lowered = text.lowercased()
    return text.contains("复权") || lowered.contains("adj")
  }

  /// Whether raw text names returns, and in which unit when it says: a `%`,
  /// or the percent-by-convention names 涨跌幅 and pct_chg (Wind, tushare).
  static func returnUnit(declaredBy text: String) -> ReturnUnit? {
    let lowered = text.lowercased()
    if text.contains("%") || text.contains("％") || text.contains("涨跌幅") || lowered.contains("pct") {
      return .percent
    }
    return nil
  }

  /// The kind a wide file's title lines or first header cell name.
  static func kind(named text: String) -> PriceKind? {
    let lowered = text.lowercased()
    if saysAdjusted(text) { return .adjusted }
    if text.contains("涨跌幅") || text.contains("收益率") || lowered.contains("return") {
      return .returns
    }
    if text.contains("收盘") || lowered.contains("close") { return .unadjusted }
    return nil
  }
}
