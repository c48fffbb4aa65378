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
    _ record: CSVScanner.Record,
    field: Int?,
    header: [String],
    _ reason: String,
    counts: Bool = true
  ) throws(PriceError) {
    let raw = String(record.text(joinedBy: ",").prefix(500))
    let row = RejectedRow(
      line: record.line,
      field: field.map { $0 + 1 } ?? 0,
      position: field.map { Collector.position(ofField: $0, in: record) } ?? 1,
      column: field.map { $0 < header.count ? header[$0] : "" } ?? "",
      reason: reason,
      raw: raw,
      countsAgainstBudget: counts
    )
    if strict && counts { throw .rejected(file: file, row) }
    rejects.append(row)
  }

  /// The 1-based character where field `index` starts, counting the fields
  /// before it and their separators.
  private static func position(ofField index: Int, in record: CSVScanner.Record) -> Int {
    record.fields.prefix(index).reduce(1) { $0 + $1.count + 1 }
  }

  /// A cell's value as the mode keeps it (a close, or a return as a
  /// fraction), nil for a blank or a dash; the reason for anything else.
  private func number(_ text: String) -> Result<Double?, RowProblem> {
    do {
      guard let number = try ValueParser.number(text.trimmingCharacters(in: .whitespaces)) else {
        return .success(nil)
      }
      guard case .returns(_, let unit, _) = mode else { return .success(number.value) }
      let inPercent = number.isPercent || unit == .percent
      return .success(inPercent ? number.value / 100 : number.value)
    } catch {
      return .failure(RowProblem("'\(text)' is not a number"))
    }
  }

  private struct RowProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// A note line below the data ("数据来源：Wind"): its first cell is text and
  /// the rest blank.
  private static func isNote(_ record: CSVScanner.Record) -> Bool {
    record.fields.dropFirst().allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
  }

  mutating func readLong(
    _ scanner: inout CSVScanner,
    layout: Layout,
    mode: ValueMode
  ) throws(PriceError) {
    self.mode = mode
    let dateColumn = layout.columns[.date] ?? 0
    let tickerColumn = layout.columns[.ticker] ?? 0
    let nameColumn = layout.columns[.name]
    let volumeColumn = layout.columns[.volume]
    let header = layout.header
    while let record = scanner.next() {
      if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
      if let problem = record.problem {
        rowsRead += 1
        try reject(record, field: nil, header: header, problem.description)
        continue
      }
      let cell = { (index: Int) in index < record.fields.count ? record.fields[index] : "" }
      let dateText = cell(dateColumn).trimmingCharacters(in: .whitespaces)
      guard let day = Day(exported: dateText) else {
        if Collector.isNote(record) {
          try reject(
            record,
            field: dateColumn,
            header: header,
            "a note line, not prices",
            counts: false
          )
        } else {
          rowsRead += 1
          try reject(
            record,
            field: dateColumn,
            header: header,
            "'\(dateText)' is not a date (2021-01-04, 2021/1/4 or 20210104)"
          )
        }
        continue
      }
      rowsRead += 1
      let tickerText = cell(tickerColumn).trimmingCharacters(in: .whitespaces)
      guard !tickerText.isEmpty else {
        try reject(record, field: tickerColumn, header: header, "the ticker is blank")
        continue
      }
      if let volumeColumn, Double(cell(volumeColumn).trimmingCharacters(in: .whitespaces)) == 0 {
        suspended += 1
        continue
      }
      let ticker = Ticker(tickerText).canonical
      let name = nameColumn.map { cell($0).trimmingCharacters(in: .whitespaces) } ?? ""
      try add(record, ticker: ticker, name: name, day: day, header: header, cell: cell)
    }
  }

  mutating func readWide(
    _ scanner: inout CSVScanner,
    layout: Layout,
    mode: ValueMode
  ) throws(PriceError) {
    self.mode = mode
    let dateColumn = layout.columns[.date] ?? 0
    let header = layout.header
    let slots = layout.tickerColumns.map { column in
      (column.index, slot(column.ticker, name: column.name))
    }
    while let record = scanner.next() {
      if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
      if let problem = record.problem {
        rowsRead += slots.count
        try reject(record, field: nil, header: header, problem.description)
        continue
      }
      let dateText =
        dateColumn < record.fields.count
        ? record.fields[dateColumn].trimmingCharacters(in: .whitespaces) : ""
      guard let day = Day(exported: dateText) else {
        if Collector.isNote(record) {
          try reject(
            record,
            field: dateColumn,
            header: header,
            "a note line, not prices",
            counts: false
          )
        } else {
          rowsRead += slots.count
          try reject(
            record,
            field: dateColumn,
            header: header,
            "'\(dateText)' is not a date (2021-01-04, 2021/1/4 or 20210104)"
          )
        }
        continue
      }
      let ordinal = Int32(day.ordinal)
      for (index, slot) in slots {
        rowsRead += 1
        let text = index < record.fields.count ? record.fields[index] : ""
        switch number(text) {
        case .failure(let problem):
          try reject(record, field: index, header: header, problem.reason)
        case .success(nil):
          suspended += 1
        case .success(let value?):
          if let problem = check(value) {
            try reject(record, field: index, header: header, problem)
          } else {
            observations[slot].days.append(ordinal)
            observations[slot].values.append(value)
            observations[slot].lines.append(Int32(record.line))
          }
        }
      }
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
    _ record: CSVScanner.Record,
    ticker: String,
    name: String,
    day: Day,
    header: [String],
    cell: (Int) -> String
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
    switch number(cell(valueColumn)) {
    case .failure(let problem):
      try reject(record, field: valueColumn, header: header, problem.reason)
      return
    case .success(nil):
      suspended += 1
      return
    case .success(let parsed?): value = parsed
    }
    if let problem = check(value) {
      try reject(record, field: valueColumn, header: header, problem)
      return
    }
    var previous = Double.nan
    if let previousColumn {
      guard let parsed = Double(cell(previousColumn).trimmingCharacters(in: .whitespaces)),
        parsed > 0
      else {
        try reject(
          record,
          field: previousColumn,
          header: header,
          "the previous close '\(cell(previousColumn))' is not a positive number"
        )
        return
      }
      previous = parsed
    }
    let slot = slot(ticker, name: name)
    observations[slot].days.append(Int32(day.ordinal))
    observations[slot].values.append(value)
    if previousColumn != nil { observations[slot].previous.append(previous) }
    observations[slot].lines.append(Int32(record.line))
  }

  /// Each ticker's levels, in ticker order.
  mutating func finish() -> PriceFile {
    var series: [PriceSeries] = []
    for (index, ticker) in tickers.enumerated() {
      let data = observations[index]
      let order = data.days.indices.sorted {
        (data.days[$0], data.lines[$0]) < (data.days[$1], data.lines[$1])
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
