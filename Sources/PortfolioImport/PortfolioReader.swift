public import Foundation
public import PolicyScoreCore

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
  /// Reads a list without weights or market values, such as a universe of
  /// listings, with every holding weighted equally within its portfolio.
  public var equalWeightsWhenMissing = false

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
    let magic = (try? handle.read(upToCount: 512)).map { Array($0) } ?? []
    try? handle.seek(toOffset: 0)
    if let other = Self.unreadableFormat(magic: magic, extension: url.pathExtension) {
      throw .unreadable(file: url.path, reason: other)
    }
    if url.pathExtension.lowercased() == "xlsx" || magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
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
    let fileExtension = URL(fileURLWithPath: file).pathExtension
    if let other = Self.unreadableFormat(magic: Array(bytes.prefix(512)), extension: fileExtension)
    {
      throw .unreadable(file: file, reason: other)
    }
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
    return try read(
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
      headerFound: { scanner.expectedFields = $0 },
      facts: {
        var notes: [Diagnostic] = []
        if input.decoder.sawInvalidBytes, let encoding = input.decoder.encoding {
          notes.append(
            Diagnostic(
              .warning,
              "bytes that are not valid \(encoding.rawValue) were replaced; their rows are rejected",
              at: SourceLocation(file: file)
            )
          )
        }
        return FileFacts(
          inputHash: input.hash,
          format: "csv \(input.decoder.encoding?.rawValue ?? "utf-8") \(delimiter)",
          notes: notes
        )
      }
    )
  }

  /// Why a file of another spreadsheet format cannot be read, by its first
  /// bytes (up to 512) or its extension; nil for CSV and .xlsx.
  static func unreadableFormat(magic: [UInt8], extension fileExtension: String) -> String? {
    let save = "save it as .xlsx or CSV (UTF-8) and read that"
    if magic.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      return
        "it is an Excel 97-2003 workbook (.xls) or another old Office file, which PolicyScore does not read; \(save)"
    }
    switch fileExtension.lowercased() {
    case "xls": return "an Excel 97-2003 workbook (.xls) is not read; \(save)"
    case "numbers": return "an Apple Numbers file is not read; \(save)"
    case "ods": return "an OpenDocument spreadsheet (.ods) is not read; \(save)"
    case "et", "ett": return "a WPS spreadsheet (.et) is not read; \(save)"
    case "xlsb": return "a binary Excel workbook (.xlsb) is not read; \(save)"
    default: break
    }
    // Text has no NUL in its first bytes unless it is UTF-16, which starts
    // with a byte-order mark or has its zeros on one side of each pair only.
    let zeros = magic.indices.filter { magic[$0] == 0 }
    let utf16 =
      magic.starts(with: [0xFF, 0xFE]) || magic.starts(with: [0xFE, 0xFF])
      || (!zeros.isEmpty && Set(zeros.map { $0 % 2 }).count == 1)
    if magic.contains(0), !utf16, !magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      return "it is not a text file (binary content) and not an .xlsx workbook; \(save)"
    }
    return nil
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
    } catch let failure as SpreadsheetReader.Failure {
      throw .unreadable(file: file, reason: "not a readable .xlsx workbook: \(failure)")
    } catch {
      // ZIPFoundation's own error names are not for the user.
      throw .unreadable(
        file: file,
        reason:
          "not a readable .xlsx workbook: the ZIP archive is damaged or incomplete; save it again as .xlsx or CSV"
      )
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
    return try read(
      records: { iterator.next() },
      file: file,
      separator: ",",
      facts: {
        FileFacts(inputHash: workbook.contentHash, format: "xlsx sheet '\(name)'", notes: [])
      }
    )
  }

  /// Finds the header (skipping title lines), then reads every row.
  private func read(
    records next: () -> CSVScanner.Record?,
    blocks nextBlock: () -> [CSVScanner]? = { nil },
    file: String,
    separator: String,
    headerFound: (_ fields: Int) -> Void = { _ in },
    facts: () -> FileFacts
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
      throw .badHeader(file: file, line: header.line, reason: problem.description)
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
    if columns[.weight] == nil && columns[.marketValue] == nil && !equalWeightsWhenMissing {
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
    var facts = facts()
    facts.ignoredHeaders = ignored
    facts.titleLines = skipped.count
    if !skipped.isEmpty {
      facts.notes.insert(
        Diagnostic(
          .note,
          "skipped \(skipped.count) title line\(skipped.count == 1 ? "" : "s") above the header on line \(header.line)",
          at: SourceLocation(file: file, line: skipped.first?.line ?? 1, column: 1)
        ),
        at: 0
      )
    }
    return try rows.finish(facts)
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
