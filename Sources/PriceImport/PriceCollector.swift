import Foundation
import PolicyScoreCore
import PortfolioImport

/// Gathers a file's observations per ticker, then makes each ticker's level
/// series: sorted by day, a second row for one day rejected.
struct Collector {
  private struct Observations {
    var name = ""
    var days: [Int32] = []
    var values: [Double] = []
    /// The previous close, for `.chained`; else empty.
    var previous: [Double] = []
    var lines: [Int32] = []
  }

  private struct RowProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  let file: String
  let strict: Bool
  private var byTicker: [String: Int] = [:]
  private var observations: [Observations] = []
  private var tickers: [String] = []
  private var mode: ValueMode = .levels(column: -1, basis: "")
  private(set) var rejects: [RejectedRow] = []
  private var rowsRead = 0
  private var suspended = 0

  init(file: String, strict: Bool) {
    self.file = file
    self.strict = strict
  }

  private mutating func slot(_ ticker: String, name: String) -> Int {
    if let index = byTicker[ticker] { return index }
    byTicker[ticker] = observations.count
    tickers.append(ticker)
    observations.append(Observations(name: name))
    return observations.count - 1
  }

  private mutating func reject(
    _ row: PriceRows.Row,
    in rows: PriceRows,
    field: Int?,
    header: [String],
    _ reason: String,
    counts: Bool = true
  ) throws(PriceError) {
    let rejected = RejectedRow(
      line: row.line,
      field: field.map { $0 + 1 } ?? 0,
      position: field.map { rows.position(row, $0) } ?? 1,
      column: field.map { $0 < header.count ? header[$0] : "" } ?? "",
      reason: reason,
      raw: rows.raw(row),
      countsAgainstBudget: counts
    )
    if strict && counts { throw .rejected(file: file, rejected) }
    rejects.append(rejected)
  }

  /// Field `index` as the mode keeps it (a close, or a return as a
  /// fraction), nil for a blank or a dash; the reason for anything else.
  private func value(
    _ row: PriceRows.Row,
    _ index: Int,
    in rows: PriceRows
  ) -> Result<Double?, RowProblem> {
    let returnUnit: ReturnUnit?
    if case .returns(_, let unit, _) = mode { returnUnit = unit } else { returnUnit = nil }
    if let plain = rows.plainNumber(row, index) {
      return .success(returnUnit == .percent ? plain / 100 : plain)
    }
    let text = rows.string(row, index)
    do {
      guard let number = try ValueParser.number(text) else { return .success(nil) }
      guard let returnUnit else { return .success(number.value) }
      let inPercent = number.isPercent || returnUnit == .percent
      return .success(inPercent ? number.value / 100 : number.value)
    } catch {
      return .failure(RowProblem("'\(text)' is not a number"))
    }
  }

  /// The row's date, or what is wrong with it: nil for a note line below
  /// the data ("数据来源：Wind"), whose first cell is text and the rest blank.
  private mutating func day(
    _ row: PriceRows.Row,
    _ column: Int,
    in rows: PriceRows,
    header: [String],
    cells: Int
  ) throws(PriceError) -> Day? {
    if let day = rows.plainDay(row, column) { return day }
    let text = rows.string(row, column)
    if let day = Day(exported: text) { return day }
    if (1..<row.count).allSatisfy({ rows.isBlank(row, $0) }) {
      try reject(
        row,
        in: rows,
        field: column,
        header: header,
        "a note line, not prices",
        counts: false
      )
    } else {
      rowsRead += cells
      try reject(
        row,
        in: rows,
        field: column,
        header: header,
        "'\(text)' is not a date (2021-01-04, 2021/1/4 or 20210104)"
      )
    }
    return nil
  }

  mutating func readLong(
    _ rows: inout PriceRows,
    layout: Layout,
    mode: ValueMode
  ) throws(PriceError) {
    self.mode = mode
    let dateColumn = layout.columns[.date] ?? 0
    let tickerColumn = layout.columns[.ticker] ?? 0
    let nameColumn = layout.columns[.name]
    let volumeColumn = layout.columns[.volume]
    let header = layout.header
    while let row = rows.next() {
      if let problem = row.problem {
        rowsRead += 1
        try reject(row, in: rows, field: nil, header: header, problem.description)
        continue
      }
      guard let day = try day(row, dateColumn, in: rows, header: header, cells: 1) else { continue }
      rowsRead += 1
      let tickerText = rows.string(row, tickerColumn)
      guard !tickerText.isEmpty else {
        try reject(row, in: rows, field: tickerColumn, header: header, "the ticker is blank")
        continue
      }
      if let volumeColumn, rows.plainNumber(row, volumeColumn) == 0 {
        suspended += 1
        continue
      }
      let name = nameColumn.map { rows.string(row, $0) } ?? ""
      try add(
        row,
        in: rows,
        ticker: Ticker(tickerText).canonical,
        name: name,
        day: day,
        header: header
      )
    }
  }

  mutating func readWide(
    _ rows: inout PriceRows,
    layout: Layout,
    mode: ValueMode
  ) throws(PriceError) {
    self.mode = mode
    let dateColumn = layout.columns[.date] ?? 0
    let header = layout.header
    let slots = layout.tickerColumns.map { column in
      (column.index, slot(column.ticker, name: column.name))
    }
    // A row's cells side by side, NaN where there is no price.
    var days: [Int32] = []
    var lines: [Int32] = []
    var cells: [Double] = []
    while let row = rows.next() {
      if let problem = row.problem {
        rowsRead += slots.count
        try reject(row, in: rows, field: nil, header: header, problem.description)
        continue
      }
      guard let day = try day(row, dateColumn, in: rows, header: header, cells: slots.count) else {
        continue
      }
      rowsRead += slots.count
      days.append(Int32(day.ordinal))
      lines.append(Int32(row.line))
      for (index, _) in slots {
        var cell = Double.nan
        switch value(row, index, in: rows) {
        case .failure(let problem):
          try reject(row, in: rows, field: index, header: header, problem.reason)
        case .success(nil):
          suspended += 1
        case .success(let value?):
          if let problem = check(value) {
            try reject(row, in: rows, field: index, header: header, problem)
          } else {
            cell = value
          }
        }
        cells.append(cell)
      }
    }
    // Column by column into each ticker's observations, each array grown once.
    for (column, (_, slot)) in slots.enumerated() {
      var data = observations[slot]
      for (row, day) in days.enumerated() {
        let value = cells[row * slots.count + column]
        guard !value.isNaN else { continue }
        data.days.append(day)
        data.values.append(value)
        data.lines.append(lines[row])
      }
      observations[slot] = data
    }
  }

  /// Why a value cannot be a price or return of the mode; nil when it can.
  private func check(_ value: Double) -> String? {
    switch mode {
    case .levels, .chained: return value > 0 ? nil : "a close of \(value) is not positive"
    case .returns:
      return value > -1
        ? nil : "a return of \(fixed(value * 100, decimals: 2))% loses more than everything"
    }
  }

  private mutating func add(
    _ row: PriceRows.Row,
    in rows: PriceRows,
    ticker: String,
    name: String,
    day: Day,
    header: [String]
  ) throws(PriceError) {
    let valueColumn: Int
    var previousColumn: Int?
    switch mode {
    case .levels(let column, _), .returns(let column, _, _): valueColumn = column
    case .chained(let column, let previous, _):
      valueColumn = column
      previousColumn = previous
    }
    let value: Double
    switch self.value(row, valueColumn, in: rows) {
    case .failure(let problem):
      try reject(row, in: rows, field: valueColumn, header: header, problem.reason)
      return
    case .success(nil):
      suspended += 1
      return
    case .success(let parsed?): value = parsed
    }
    if let problem = check(value) {
      try reject(row, in: rows, field: valueColumn, header: header, problem)
      return
    }
    var previous = Double.nan
    if let previousColumn {
      let parsed = rows.plainNumber(row, previousColumn) ?? Double(rows.string(row, previousColumn))
      guard let parsed, parsed > 0 else {
        let text = rows.string(row, previousColumn)
        try reject(
          row,
          in: rows,
          field: previousColumn,
          header: header,
          "the previous close '\(text)' is not a positive number"
        )
        return
      }
      previous = parsed
    }
    let slot = slot(ticker, name: name)
    observations[slot].days.append(Int32(day.ordinal))
    observations[slot].values.append(value)
    if previousColumn != nil { observations[slot].previous.append(previous) }
    observations[slot].lines.append(Int32(row.line))
  }

  /// Each ticker's levels, in ticker order.
  mutating func finish() -> PriceFile {
    var series: [PriceSeries] = []
    for (index, ticker) in tickers.enumerated() {
      let data = observations[index]
      var order = Array(data.days.indices)
      // Files run oldest or newest first: sort only when they must be.
      if zip(data.days, data.days.dropFirst()).contains(where: { $0 > $1 }) {
        order.sort { (data.days[$0], data.lines[$0]) < (data.days[$1], data.lines[$1]) }
      }
      var days: [Int32] = []
      var levels: [Double] = []
      days.reserveCapacity(order.count)
      levels.reserveCapacity(order.count)
      for (position, at) in order.enumerated() {
        if position > 0, data.days[order[position - 1]] == data.days[at] {
          let first = data.lines[order[position - 1]]
          rejects.append(
            RejectedRow(
              line: Int(data.lines[at]),
              column: "",
              reason:
                "a second price for \(ticker) on \(Day(ordinal: Int(data.days[at]))); line \(first) has the first",
              raw: ""
            )
          )
          continue
        }
        let last = levels.last ?? 1
        let level: Double
        switch mode {
        case .levels: level = data.values[at]
        case .chained:
          level = levels.isEmpty ? data.values[at] : last * data.values[at] / data.previous[at]
        case .returns: level = last * (1 + data.values[at])
        }
        days.append(data.days[at])
        levels.append(level)
      }
      if !days.isEmpty {
        series.append(PriceSeries(ticker: ticker, name: data.name, days: days, levels: levels))
      }
    }
    series.sort { $0.ticker < $1.ticker }
    rejects.sort { ($0.line, $0.field) < ($1.line, $1.field) }
    return PriceFile(
      file: file,
      layout: "",
      basis: "",
      series: series,
      rejects: rejects,
      rowsRead: rowsRead,
      suspended: suspended,
      inputHash: "",
      format: ""
    )
  }
}
