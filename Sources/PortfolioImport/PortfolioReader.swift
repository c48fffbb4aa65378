public import Foundation
public import PolicyScoreCore

/// An imported portfolio file: the holdings that were read, the rows that were
/// rejected, and how the file was interpreted.
public struct Portfolio: Sendable {
  /// How the file's weights were read.
  public enum WeightBasis: String, Sendable {
    case percent
    case fraction
    case marketValue = "market-value"
  }

  public var file: String
  public var holdings: [Holding]
  /// Sorted by line.
  public var rejects: [RejectedRow]
  /// Data rows read (not counting the header or blank lines); always
  /// `holdings.count + rejects.count`.
  public var rowsRead: Int
  public var weightBasis: WeightBasis
  /// Headers that named no known column, ignored.
  public var ignoredHeaders: [String]
  /// SHA-256 of the file's bytes.
  public var inputHash: String
  /// How the file was read: `csv utf-8 ','`, `csv gb18030 ';'`, `xlsx sheet 'Holdings'`.
  public var format: String
  /// Title and note lines above the header, skipped.
  public var titleLines: Int
  /// Things the analyst should know: merged duplicates, replaced bytes.
  public var warnings: [Diagnostic]

  /// Rows that count for the data-loss budget: all but totals and note lines.
  public var budgetRows: Int { rowsRead - rejects.filter { !$0.countsAgainstBudget }.count }
  /// Rejected rows that count for the data-loss budget.
  public var budgetRejects: Int { rejects.filter(\.countsAgainstBudget).count }

  /// The share of budget rows rejected, in percent; 0 for a file without rows.
  public var rejectedPercent: Double {
    budgetRows > 0 ? Double(budgetRejects) / Double(budgetRows) * 100 : 0
  }
}

/// Why a portfolio could not be imported at all.
public enum PortfolioError: Error, Equatable, CustomStringConvertible {
  case unreadable(file: String, reason: String)
  case empty(file: String)
  case missingColumn(file: String, line: Int, needed: String, recognised: [String])
  case duplicateColumn(file: String, line: Int, column: Int, header: String)
  case badHeader(file: String, line: Int, reason: String)
  /// `--strict`: the first rejected row stops the import.
  case rejected(file: String, RejectedRow)
  /// The workbook has no sheet of that name.
  case unknownSheet(file: String, name: String, sheets: [String])

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): return "\(file): error: cannot read the file: \(reason)"
    case .empty(let file): return "\(file):1:1: error: the file has no header row"
    case .missingColumn(let file, let line, let needed, let recognised):
      return
        "\(file):\(line):1: error: no \(needed) column; recognised headers are \(recognised.map { "'\($0)'" }.joined(separator: ", "))"
    case .duplicateColumn(let file, let line, let column, let header):
      return "\(file):\(line):\(column): error: header '\(header)' names a column already given"
    case .badHeader(let file, let line, let reason):
      return "\(file):\(line):1: error: cannot read the header: \(reason)"
    case .unknownSheet(let file, let name, let sheets):
      return
        "\(file): error: no sheet '\(name)'\(Suggestion.hint(for: name, in: sheets)); the sheets are \(sheets.map { "'\($0)'" }.joined(separator: ", "))"
    case .rejected(let file, let row):
      let column = row.column.isEmpty ? "" : " in column '\(row.column)'"
      return "\(file):\(row.line): error: row rejected\(column): \(row.reason)"
    }
  }
}

/// Reads portfolio files, CSV or `.xlsx`.
///
/// CSV may be UTF-8 (with or without BOM), UTF-16 or GB18030/GBK, with comma,
/// semicolon, tab or pipe.
/// Headers may be in English or Chinese, below title lines; totals and note
/// lines below the data are recognised.
///
/// A bad row becomes a `RejectedRow` with line, column and reason, and the good
/// rows go on; in strict mode the first bad row throws. CSV is read in chunks,
/// so memory stays bounded by the rows kept, not the file's size.
public struct PortfolioReader {
  public var knownSegments: Set<SegmentID>
  public var strict: Bool
  /// Forces an encoding instead of detecting one.
  public var encoding: TextEncoding?
  /// The workbook sheet to read (default: the first).
  public var sheet: String?
  /// A row longer than this is rejected, not read whole into memory.
  public var maxRecordBytes = 1 << 20
  public var chunkSize = 1 << 20
  /// The rows after the header are parsed this many bytes at a time, split
  /// across the cores; 0 reads them one by one on one core.
  public var blockSize = 16 << 20

  public init(
    knownSegments: Set<SegmentID>,
    strict: Bool = false,
    encoding: TextEncoding? = nil,
    sheet: String? = nil
  ) {
    self.knownSegments = knownSegments
    self.strict = strict
    self.encoding = encoding
    self.sheet = sheet
  }

  public func read(contentsOf url: URL) throws(PortfolioError) -> Portfolio {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      throw .unreadable(file: url.path, reason: "it is a folder, not a portfolio file")
    }
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw .unreadable(file: url.path, reason: "no such file or not readable")
    }
    defer { try? handle.close() }
    let magic = (try? handle.read(upToCount: 4)).map { Array($0) } ?? []
    try? handle.seek(toOffset: 0)
    if url.pathExtension.lowercased() == "xlsx" || magic == [0x50, 0x4B, 0x03, 0x04] {
      return try readWorkbook(file: url.path) { try SpreadsheetReader(url: url) }
    }
    let input = ChunkedInput(
      next: { [chunkSize] in
        // One memcpy, not an element-by-element copy of the Data.
        (try? handle.read(upToCount: chunkSize)).map { data in
          data.withUnsafeBytes { [UInt8]($0.bindMemory(to: UInt8.self)) }
        } ?? []
      },
      decoder: TextDecoder(forcing: encoding)
    )
    return try readText(input, file: url.path)
  }

  /// Reads a file already in memory; `.xlsx` is recognised by its bytes.
  public func read(bytes: [UInt8], file: String) throws(PortfolioError) -> Portfolio {
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      return try readWorkbook(file: file) { try SpreadsheetReader(bytes: bytes) }
    }
    var offset = 0
    let input = ChunkedInput(
      next: { [chunkSize] in
        let end = min(bytes.count, offset + chunkSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
      },
      decoder: TextDecoder(forcing: encoding)
    )
    return try readText(input, file: file)
  }

  private func readText(_ input: ChunkedInput, file: String) throws(PortfolioError) -> Portfolio {
    var scanner = CSVScanner(source: { input.nextChunk() }, maxRecordBytes: maxRecordBytes)
    scanner.replacementPossible = { input.decoder.sawInvalidBytes }
    let separator = String(Character(Unicode.Scalar(scanner.delimiter)))
    let delimiter = scanner.delimiter == 0x09 ? "tab" : "'\(separator)'"
    var blocksCut = 0
    var portfolio = try read(
      records: { scanner.next() },
      blocks: { [blockSize] in
        guard blockSize > 0 else { return nil }
        // Several pieces a core, so that none waits long for another; a
        // small first block, so that the cores start soon.
        defer { blocksCut += 1 }
        return scanner.nextBlock(
          minimumBytes: blocksCut == 0 ? blockSize / 16 : blockSize,
          pieces: 8 * ProcessInfo.processInfo.activeProcessorCount
        )
      },
      file: file,
      separator: separator,
      inputHash: { input.hash },
      headerFound: { scanner.expectedFields = $0 }
    )
    portfolio.format = "csv \(input.decoder.encoding?.rawValue ?? "utf-8") \(delimiter)"
    if input.decoder.sawInvalidBytes, let encoding = input.decoder.encoding {
      portfolio.warnings.append(
        Diagnostic(
          .warning,
          "bytes that are not valid \(encoding.rawValue) were replaced; their rows are rejected",
          at: SourceLocation(file: file, line: 1, column: 1)
        )
      )
    }
    return portfolio
  }

  private func readWorkbook(
    file: String,
    open: () throws -> SpreadsheetReader
  )
    throws(PortfolioError) -> Portfolio
  {
    let workbook: SpreadsheetReader
    do {
      workbook = try open()
    } catch {
      throw .unreadable(file: file, reason: "not a readable .xlsx workbook: \(error)")
    }
    let name = sheet ?? workbook.sheetNames.first ?? ""
    guard workbook.sheetNames.contains(name) else {
      throw .unknownSheet(file: file, name: name, sheets: workbook.sheetNames)
    }
    let records: [CSVScanner.Record]
    do {
      records = try workbook.records(sheet: name)
    } catch {
      throw .unreadable(file: file, reason: "cannot read sheet '\(name)': \(error)")
    }
    var iterator = records.makeIterator()
    var portfolio = try read(
      records: { iterator.next() },
      file: file,
      separator: ",",
      inputHash: { workbook.contentHash }
    )
    portfolio.format = "xlsx sheet '\(name)'"
    return portfolio
  }

  /// Finds the header (skipping title lines), then reads every row.
  private func read(
    records next: () -> CSVScanner.Record?,
    blocks nextBlock: () -> [CSVScanner]? = { nil },
    file: String,
    separator: String,
    inputHash: () -> String,
    headerFound: (_ fields: Int) -> Void = { _ in }
  ) throws(PortfolioError) -> Portfolio {
    var skipped: [CSVScanner.Record] = []
    var header: CSVScanner.Record?
    while header == nil, skipped.count < 30, let record = next() {
      if Self.isHeader(record) { header = record } else { skipped.append(record) }
    }
    var pending: [CSVScanner.Record] = []
    if header == nil {
      guard !skipped.isEmpty else { throw .empty(file: file) }
      header = skipped.removeFirst()
      pending = skipped
      skipped = []
    }
    guard let header else { throw .empty(file: file) }
    headerFound(header.fields.count)
    if let problem = header.problem {
      throw .badHeader(file: file, line: header.line, reason: String(describing: problem))
    }
    var columns: [PortfolioColumn: Int] = [:]
    var ignored: [String] = []
    for (index, name) in header.fields.enumerated() {
      guard let column = ColumnAliases.column(for: name) else {
        if !name.trimmingCharacters(in: .whitespaces).isEmpty { ignored.append(name) }
        continue
      }
      if columns[column] != nil {
        throw .duplicateColumn(file: file, line: header.line, column: index + 1, header: name)
      }
      columns[column] = index
    }
    if columns[.ticker] == nil && columns[.name] == nil {
      throw .missingColumn(
        file: file,
        line: header.line,
        needed: "ticker or name",
        recognised: PortfolioColumn.ticker.aliases + PortfolioColumn.name.aliases
      )
    }
    if columns[.weight] == nil && columns[.marketValue] == nil {
      throw .missingColumn(
        file: file,
        line: header.line,
        needed: "weight or market value",
        recognised: PortfolioColumn.weight.aliases + PortfolioColumn.marketValue.aliases
      )
    }
    var rows = RowReader(
      header: header.fields,
      columns: columns,
      knownSegments: knownSegments,
      file: file,
      strict: strict,
      separator: separator
    )
    for record in pending { try rows.read(record) }
    try Self.readRows(into: &rows, records: next, blocks: nextBlock)
    var portfolio = try rows.finish(inputHash: inputHash(), ignoredHeaders: ignored)
    portfolio.titleLines = skipped.count
    if !skipped.isEmpty {
      portfolio.warnings.insert(
        Diagnostic(
          .note,
          "skipped \(skipped.count) title line\(skipped.count == 1 ? "" : "s") above the header",
          at: SourceLocation(file: file, line: header.line, column: 1)
        ),
        at: 0
      )
    }
    return portfolio
  }

  /// Reads the rows after the header: a block at a time across the cores
  /// where the scanner can cut one, else a record at a time.
  ///
  /// While the cores parse a block's pieces, one of them first adds the last
  /// block's rows to `rows` and cuts the next block, so that reading and
  /// gathering overlap the parsing.
  private static func readRows(
    into rows: inout RowReader,
    records next: () -> CSVScanner.Record?,
    blocks nextBlock: () -> [CSVScanner]?
  ) throws(PortfolioError) {
    var parsed: [(RowReader, PortfolioError?)?] = []
    var failure: PortfolioError?
    // Adds parsed rows in order, up to the first error (strict mode), moving
    // the holdings out of `parts`, which must be their only owner.
    func gather(_ parts: inout [(RowReader, PortfolioError?)?], into rows: inout RowReader) {
      for index in parts.indices where failure == nil {
        // Taken out, not copied, so that the part stays the only owner.
        guard let (taken, error) = parts[index].take() else { continue }
        var part = consume taken
        rows.absorb(&part)
        failure = error
      }
      parts = []
    }
    var block = nextBlock()
    while failure == nil {
      if let pieces = block {
        let template = rows.emptyCopy()
        // `previous` alone owns the last block's parts, so gathering moves them.
        var previous = parsed
        parsed = []
        var following: [CSVScanner]?
        parsed = Parallel.each(pieces.count + 1) { index -> (RowReader, PortfolioError?)? in
          guard index > 0 else {
            gather(&previous, into: &rows)
            following = nextBlock()
            return nil
          }
          var part = template
          var scanner = pieces[index - 1]
          do throws(PortfolioError) {
            while let record = scanner.next() { try part.read(record) }
            return (part, nil)
          } catch {
            return (part, error)
          }
        }
        block = following
        continue
      }
      gather(&parsed, into: &rows)
      guard failure == nil, let record = next() else { break }
      block = nextBlock()
      try rows.read(record)
    }
    gather(&parsed, into: &rows)
    if let failure { throw failure }
  }

  /// A header names a ticker or name column and a weight or market-value column.
  static func isHeader(_ record: CSVScanner.Record) -> Bool {
    let columns = Set(record.fields.compactMap(ColumnAliases.column(for:)))
    return (columns.contains(.ticker) || columns.contains(.name))
      && (columns.contains(.weight) || columns.contains(.marketValue))
  }
}

/// File chunks through the decoder, hashing the raw bytes on the way.
private final class ChunkedInput {
  let next: () -> [UInt8]
  let decoder: TextDecoder
  private let hasher = BackgroundHasher()
  private var finished = false
  /// The raw file's SHA-256, once every chunk has been read.
  var hash: String { hasher.finish() }

  init(next: @escaping () -> [UInt8], decoder: TextDecoder) {
    self.next = next
    self.decoder = decoder
  }

  /// The next chunk of UTF-8, or nil when the file is done.
  func nextChunk() -> [UInt8]? {
    while !finished {
      let raw = next()
      hasher.add(raw)
      if raw.isEmpty {
        finished = true
        return decoder.decode([], isLast: true)
      }
      let decoded = decoder.decode(raw, isLast: false)
      if !decoded.isEmpty { return decoded }
    }
    return nil
  }
}

/// Hashes chunks on another thread, so that the hash overlaps the parse.
private final class BackgroundHasher: @unchecked Sendable {
  // Touched only on `queue`.
  private var hasher = SHA256()
  private var digest: String?
  private let queue = DispatchQueue(label: "policyscore.input-hash")

  func add(_ chunk: [UInt8]) {
    queue.async { self.hasher.update(chunk) }
  }

  func finish() -> String {
    queue.sync {
      if let digest { return digest }
      let value = hasher.finalizeHex()
      digest = value
      return value
    }
  }
}

/// Turns records into holdings or rejects, one row at a time.
struct RowReader {
  let header: [String]
  let columns: [PortfolioColumn: Int]
  let knownSegments: Set<SegmentID>
  let file: String
  let strict: Bool
  /// The holdings as they are read; `finish` moves them into `holdings`.
  var collected = HoldingStore()
  /// Empty until `finish`.
  var holdings: [Holding] = []
  var rejects: [RejectedRow] = []
  var rowsRead = 0
  var anyPercent = false
  /// Raw text of accepted rows, for a reject found after the whole file is read.
  var rawByLine: [Int: String] = [:]
  /// What `finish` needs of each holding, gathered as the rows are read.
  var keys = HoldingKeys()
  /// The file's delimiter, to give a rejected row's text again.
  let separator: String
  /// Field index of each column by `PortfolioColumn.ordinal`; -1 when absent.
  let positions: [Int]

  /// A problem with one cell: the column's header and the reason.
  struct CellError: Error {
    var column: PortfolioColumn
    var reason: String
  }

  init(
    header: [String],
    columns: [PortfolioColumn: Int],
    knownSegments: Set<SegmentID>,
    file: String,
    strict: Bool,
    separator: String
  ) {
    self.header = header
    self.columns = columns
    self.knownSegments = knownSegments
    self.file = file
    self.strict = strict
    self.separator = separator
    var positions = [Int](repeating: -1, count: PortfolioColumn.allCases.count)
    for (column, index) in columns { positions[column.ordinal] = index }
    self.positions = positions
  }

  /// A reader for another run of the same file's rows, with nothing read yet.
  func emptyCopy() -> RowReader {
    var copy = self
    copy.collected = HoldingStore()
    copy.holdings = []
    copy.rejects = []
    copy.rowsRead = 0
    copy.anyPercent = false
    copy.rawByLine = [:]
    copy.keys = HoldingKeys()
    return copy
  }

  /// Adds what `part`, a reader of the rows after these, has read, moving
  /// its holdings out of it.
  mutating func absorb(_ part: inout RowReader) {
    keys.append(part.keys, offset: collected.count)
    collected.append(moving: &part.collected)
    rejects += part.rejects
    rowsRead += part.rowsRead
    anyPercent = anyPercent || part.anyPercent
    rawByLine.merge(part.rawByLine) { first, _ in first }
  }

  private func headerName(_ column: PortfolioColumn) -> String {
    columns[column].map { header[$0] } ?? column.rawValue
  }

  mutating func reject(
    _ record: CSVScanner.Record,
    column: String,
    reason: String
  )
    throws(PortfolioError)
  {
    let row = RejectedRow(
      line: record.line,
      column: column,
      reason: reason,
      raw: record.text(joinedBy: separator)
    )
    if strict { throw .rejected(file: file, row) }
    rejects.append(row)
  }

  mutating func read(_ record: CSVScanner.Record) throws(PortfolioError) {
    rowsRead += 1
    switch record.problem {
    case .unterminatedQuote(let field)?:
      try reject(
        record,
        column: field <= header.count ? header[field - 1] : "",
        reason:
          "a quoted field opens here and does not close on this line; the lines after it are read on their own"
      )
      return
    case .invalidText(let field)?:
      try reject(
        record,
        column: field <= header.count ? header[field - 1] : "",
        reason: "bytes that are not valid text in the file's encoding"
      )
      return
    case .tooLong(let limit)?:
      try reject(record, column: "", reason: "row longer than \(limit) bytes; not read")
      return
    case .controlCharacter(let field, let character)?:
      try reject(
        record,
        column: field <= header.count ? header[field - 1] : "",
        reason: String(
          format: "a control character (U+%04X) in the text; remove it and read the file again",
          character
        )
      )
      return
    case nil: break
    }
    if let kind = Self.nonHolding(record, positions: positions) {
      let row = RejectedRow(
        line: record.line,
        column: "",
        reason: "a \(kind) line, not a holding",
        raw: record.text(joinedBy: separator),
        countsAgainstBudget: false
      )
      rejects.append(row)
      return
    }
    let extra = record.fields.dropFirst(header.count)
    if !extra.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
      try reject(
        record,
        column: "",
        reason: "row has \(record.fields.count) fields but the header has \(header.count)"
      )
      return
    }
    do {
      let holding = try holding(from: record)
      if keys.add(holding, at: collected.count) {
        rawByLine[record.line] = record.text(joinedBy: separator)
      }
      collected.append(holding)
    } catch {
      try reject(record, column: headerName(error.column), reason: error.reason)
    }
  }

  private func cell(_ column: PortfolioColumn, _ record: CSVScanner.Record) -> String {
    let index = positions[column.ordinal]
    guard index >= 0, index < record.fields.count else { return "" }
    return Self.trimmed(record.fields[index])
  }

  /// `text` without surrounding spaces, tabs, line breaks or ideographic
  /// spaces; no copy when there are none.
  static func trimmed(_ text: String) -> String {
    var text = text
    // Spaces, tabs, line breaks, U+3000 (E3 80 80) and U+00A0 (C2 A0), as bytes.
    let range = text.withUTF8 { bytes -> Range<Int>? in
      func spaceLength(at index: Int) -> Int {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0: return 2
        case 0xE3
        where index + 2 < bytes.count && bytes[index + 1] == 0x80
          && bytes[index + 2] == 0x80:
          return 3
        default: return 0
        }
      }
      func spaceLength(before end: Int) -> Int {
        switch bytes[end - 1] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xA0 where end >= 2 && bytes[end - 2] == 0xC2: return 2
        case 0x80 where end >= 3 && bytes[end - 3] == 0xE3 && bytes[end - 2] == 0x80: return 3
        default: return 0
        }
      }
      var start = 0
      var end = bytes.count
      while start < end {
        let length = spaceLength(at: start)
        if length == 0 { break }
        start += length
      }
      while end > start {
        let length = spaceLength(before: end)
        if length == 0 { break }
        end -= length
      }
      return start == 0 && end == bytes.count ? nil : start..<end
    }
    guard let range else { return text }
    // A copy of valid text cut at whole characters: not decoded again.
    let utf8 = text.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
    return String(text[start..<utf8.index(start, offsetBy: range.count)])
  }

  private mutating func number(
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

  private mutating func holding(from record: CSVScanner.Record) throws(CellError) -> Holding {
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
    } else if positions[2] < 0 {
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
    let portfolio = cell(.portfolio, record)
    return Holding(
      line: record.line,
      portfolio: portfolio.isEmpty ? "default" : portfolio,
      ticker: identifier,
      name: name,
      weight: weight,
      marketValue: marketValue,
      description: cell(.description, record),
      industryCodes: CellList.split(cell(.industryCodes, record)),
      origin: origin,
      chinaShare: chinaShare,
      split: try split(cell(.segments, record))
    )
  }

  private func split(_ text: String) throws(CellError) -> [SegmentShare]? {
    do {
      return try SegmentSplit.parse(text, known: knownSegments)
    } catch {
      throw CellError(column: .segments, reason: error.reason)
    }
  }

  static func origin(_ text: String) -> Origin? {
    let folded = ColumnAliases.fold(text)
    let domestic: Set<String> = [
      "domestic", "cn", "chn", "china", "prc", "mainland", "hk", "hongkong", "中国", "国内", "境内",
      "内资", "中资", "本土", "国产",
    ]
    if domestic.contains(folded) { return .domestic }
    let foreign: Set<String> = [
      "foreign", "multinational", "mnc", "international", "外资", "境外", "外国", "跨国", "进口",
    ]
    if foreign.contains(folded) { return .foreign }
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

  /// Later rows of a company already in the same portfolio are merged into
  /// its first row, weights and market values added, with a warning.
  private mutating func mergeDuplicates() -> [Diagnostic] {
    // Open addressing over row numbers: a million rows take 8 MB, not a
    // dictionary of strings several times that.
    var bits = 4
    while 1 << bits < holdings.count * 2 { bits += 1 }
    var table = [Int32](repeating: -1, count: 1 << bits)
    var duplicates: [(index: Int, first: Int)] = []
    for (index, key) in keys.duplicateKey.enumerated() where key != 0 {
      var slot = Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> UInt64(64 - bits))
      while true {
        let other = Int(table[slot])
        if other < 0 {
          table[slot] = Int32(index)
          break
        }
        if keys.duplicateKey[other] == key, keys.portfolioOf[other] == keys.portfolioOf[index],
          holdings[other].ticker.canonical == holdings[index].ticker.canonical
        {
          duplicates.append((index, other))
          break
        }
        slot = (slot + 1) & (table.count - 1)
      }
    }
    guard !duplicates.isEmpty else { return [] }
    var merged = [Bool](repeating: false, count: holdings.count)
    var warnings: [Diagnostic] = []
    for (index, target) in duplicates {
      let holding = holdings[index]
      holdings[target].weight += holding.weight
      if let value = holding.marketValue {
        holdings[target].marketValue = (holdings[target].marketValue ?? 0) + value
      }
      holdings[target].mergedLines.append(holding.line)
      merged[index] = true
      warnings.append(
        Diagnostic(
          .warning,
          "\(holding.ticker.canonical) repeats line \(holdings[target].line) in portfolio '\(holding.portfolio)'; merged, weights added",
          at: SourceLocation(file: file, line: holding.line, column: 1)
        )
      )
    }
    // Compacted in place: a filtered copy would retain every holding.
    var kept = 0
    for index in holdings.indices where !merged[index] {
      if kept != index { holdings.swapAt(kept, index) }
      kept += 1
    }
    holdings.removeLast(holdings.count - kept)
    return warnings
  }

  /// Sets every holding's weight, in place and across the cores.
  private mutating func updateWeights(_ weight: (Holding, Int) -> Double) {
    holdings.withUnsafeMutableBufferPointer { buffer in
      _ = Parallel.chunks(buffer.count, minimum: 1 << 14) { range in
        for index in range { buffer[index].weight = weight(buffer[index], index) }
      }
    }
  }

  mutating func finish(
    inputHash: String,
    ignoredHeaders: [String]
  ) throws(PortfolioError)
    -> Portfolio
  {
    holdings = collected.takeAll()
    var basis = Portfolio.WeightBasis.fraction
    if columns[.weight] != nil {
      if anyPercent || (keys.weightSums.max() ?? 0) > 1.5 { basis = .percent }
      if basis == .percent { updateWeights { holding, _ in holding.weight / 100 } }
      let above = keys.large.filter { holdings[$0].weight > 1 + 1e-9 }
      for holding in above.map({ holdings[$0] }) {
        let row = RejectedRow(
          line: holding.line,
          column: headerName(.weight),
          reason: "weight \(holding.weight * 100)% is above 100%",
          raw: rawByLine[holding.line] ?? ""
        )
        if strict { throw .rejected(file: file, row) }
        rejects.append(row)
      }
      if !above.isEmpty {
        var isAbove = [Bool](repeating: false, count: holdings.count)
        for index in above { isAbove[index] = true }
        let keep = holdings.indices.filter { !isAbove[$0] }
        holdings = keep.map { holdings[$0] }
        keys.keep(keep)
      }
    } else {
      basis = .marketValue
      let (totals, portfolioOf) = (keys.valueSums, keys.portfolioOf)
      updateWeights { holding, index in
        let total = totals[Int(portfolioOf[index])]
        return total > 0 ? (holding.marketValue ?? 0) / total : 0
      }
    }
    let warnings = mergeDuplicates()
    rejects.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    return Portfolio(
      file: file,
      holdings: holdings,
      rejects: rejects,
      rowsRead: rowsRead,
      weightBasis: basis,
      ignoredHeaders: ignoredHeaders,
      inputHash: inputHash,
      format: "",
      titleLines: 0,
      warnings: warnings
    )
  }
}

/// What `RowReader.finish` needs of each holding, gathered while the rows are
/// parsed (across the cores), so that it need not visit every holding again.
struct HoldingKeys {
  /// Portfolio names in order of first appearance.
  private(set) var portfolioNames: [String] = []
  private var portfolioIndex: [String: Int32] = [:]
  /// Each portfolio's name hashed, for `duplicateKey`.
  private var portfolioHashes: [UInt64] = []
  /// The portfolio of each holding, as an index into `portfolioNames`.
  private(set) var portfolioOf: [Int32] = []
  /// Each holding's canonical ticker hashed with its portfolio's name.
  ///
  /// 0 without a ticker; equal keys are candidates for merging.
  private(set) var duplicateKey: [UInt64] = []
  /// Weights and market values summed per portfolio.
  private(set) var weightSums: [Double] = []
  private(set) var valueSums: [Double] = []
  /// Holdings whose weight may turn out above 100% once the file's basis is
  /// known: above 1 (a fraction, if the sums allow it) but not between 1.5
  /// and 100 (then the basis is percent, and the weight below 100%).
  private(set) var large: [Int] = []

  /// Takes in `holding`, the `index`th; true when it is one of `large`.
  mutating func add(_ holding: Holding, at index: Int) -> Bool {
    let name = holding.portfolio
    let portfolio: Int32
    if let last = portfolioOf.last, portfolioNames[Int(last)] == name {
      portfolio = last
    } else if portfolioNames.count <= 16, let known = portfolioNames.firstIndex(of: name) {
      // A few portfolios, interleaved: comparing names beats hashing them.
      portfolio = Int32(known)
    } else {
      portfolio = self.portfolio(named: name)
    }
    portfolioOf.append(portfolio)
    weightSums[Int(portfolio)] += holding.weight
    valueSums[Int(portfolio)] += holding.marketValue ?? 0
    duplicateKey.append(
      Self.key(ticker: holding.ticker.canonical, portfolio: portfolioHashes[Int(portfolio)])
    )
    let weight = holding.weight
    guard weight > 1 && (weight <= 1.5 || weight > 100) else { return false }
    large.append(index)
    return true
  }

  private mutating func portfolio(named name: String) -> Int32 {
    if let known = portfolioIndex[name] { return known }
    let index = Int32(portfolioNames.count)
    portfolioNames.append(name)
    portfolioIndex[name] = index
    portfolioHashes.append(Self.fnv(name.utf8, from: 0xcbf2_9ce4_8422_2325))
    weightSums.append(0)
    valueSums.append(0)
    return index
  }

  /// Adds the keys of the holdings that follow, `offset` of them before.
  mutating func append(_ other: HoldingKeys, offset: Int) {
    let renumbered = other.portfolioNames.map { portfolio(named: $0) }
    for (index, portfolio) in renumbered.enumerated() {
      weightSums[Int(portfolio)] += other.weightSums[index]
      valueSums[Int(portfolio)] += other.valueSums[index]
    }
    portfolioOf += other.portfolioOf.map { renumbered[Int($0)] }
    duplicateKey += other.duplicateKey
    large += other.large.map { $0 + offset }
  }

  /// Keeps the keys of the holdings at `indices` (ascending) only.
  mutating func keep(_ indices: [Int]) {
    portfolioOf = indices.map { portfolioOf[$0] }
    duplicateKey = indices.map { duplicateKey[$0] }
    large = []
  }

  /// FNV-1a over the ticker, continuing the portfolio name's hash; never 0
  /// for a ticker.
  static func key(ticker: String, portfolio: UInt64) -> UInt64 {
    guard !ticker.isEmpty else { return 0 }
    return fnv(ticker.utf8, from: portfolio) | 1
  }

  static func fnv(_ bytes: String.UTF8View, from start: UInt64) -> UInt64 {
    var hash = start
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }
}
