import Foundation
import FoundationXML
import PolicyScoreCore
import ZIPFoundation

/// Reads the cells of an `.xlsx` workbook (Office Open XML) into records, one
/// per spreadsheet row, numbered by the sheet's own row numbers.
struct SpreadsheetReader {
  enum Failure: Error, CustomStringConvertible {
    case missingPart(String)
    case badXML(part: String, reason: String)
    /// A part that inflates beyond the bounds: a zip bomb, or a workbook too
    /// large to read.
    case tooLarge(part: String, bytes: UInt64, compressed: UInt64)
    /// A part that holds more than the archive declares: a crafted bomb.
    case largerThanDeclared(part: String, declared: UInt64)

    var description: String {
      switch self {
      case .missingPart(let part): return "the workbook has no '\(part)'"
      case .badXML(let part, let reason): return "'\(part)' is not well-formed XML: \(reason)"
      case .tooLarge(let part, let bytes, let compressed):
        return
          "'\(part)' inflates from \(compressed) to more than \(bytes) bytes, beyond what a workbook may (\(SpreadsheetReader.maxPartBytes >> 20) MiB a part, \(SpreadsheetReader.maxRatio) times its compressed size); save the sheet as CSV"
      case .largerThanDeclared(let part, let declared):
        return
          "'\(part)' inflates to more than the \(declared) bytes the archive declares for it; the file is damaged or crafted"
      }
    }
  }

  /// The most bytes one part of a workbook may inflate to.
  static let maxPartBytes: UInt64 = 512 << 20
  /// The most a part larger than 1 MiB may inflate, as a multiple of its
  /// compressed size.
  ///
  /// Spreadsheet XML compresses 5 to 30 times; a zip bomb a thousand times
  /// or more.
  static let maxRatio: UInt64 = 100

  private let archive: Archive
  /// SHA-256 of the workbook file.
  let contentHash: String
  /// In workbook order.
  let sheetNames: [String]
  private let sheetParts: [String: String]
  private let sharedStrings: [String]

  /// Reads a workbook held in memory, through a temporary file: ZIPFoundation's
  /// in-memory archive crashes on a crafted central directory that seeks past
  /// the end (found by the fuzz target), where its file reader returns no bytes.
  init(bytes: [UInt8]) throws {
    let temporary = FileManager.default.temporaryDirectory
      .appendingPathComponent("policyscore-\(UUID().uuidString).xlsx")
    try Data(bytes).write(to: temporary)
    defer { try? FileManager.default.removeItem(at: temporary) }
    try self.init(url: temporary)
  }

  init(url: URL) throws {
    archive = try Archive(url: url, accessMode: .read)
    contentHash = SHA256.hex(of: Array(try Data(contentsOf: url)))
    let workbook = try Self.elements(
      in: Self.part("xl/workbook.xml", of: archive),
      named: ["sheet"]
    )
    let relations = try Self.elements(
      in: Self.part("xl/_rels/workbook.xml.rels", of: archive),
      named: ["Relationship"]
    )
    var targets: [String: String] = [:]
    for relation in relations {
      guard let id = relation.attributes["Id"], let target = relation.attributes["Target"] else {
        continue
      }
      targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }
    var names: [String] = []
    var parts: [String: String] = [:]
    for sheet in workbook {
      guard let name = sheet.attributes["name"],
        let id = sheet.attributes["r:id"]
          ?? sheet.attributes.first(where: { $0.key.hasSuffix(":id") })?.value,
        let target = targets[id]
      else { continue }
      names.append(name)
      parts[name] = target
    }
    sheetNames = names
    sheetParts = parts
    if archive["xl/sharedStrings.xml"] != nil {
      let reader = SharedStrings()
      try Self.parse(
        Self.part("xl/sharedStrings.xml", of: archive),
        part: "xl/sharedStrings.xml",
        with: reader
      )
      sharedStrings = reader.strings
    } else {
      sharedStrings = []
    }
  }

  func records(sheet: String) throws -> [CSVScanner.Record] {
    guard let part = sheetParts[sheet] else { throw Failure.missingPart(sheet) }
    let reader = SheetCells(sharedStrings: sharedStrings)
    try Self.parse(Self.part(part, of: archive), part: part, with: reader)
    return reader.rows.map { number, cells in
      let width = (cells.keys.max() ?? -1) + 1
      var fields = [String](repeating: "", count: width)
      for (column, value) in cells { fields[column] = value }
      return CSVScanner.Record(
        fields: fields,
        line: number,
        raw: String(fields.joined(separator: ",").prefix(500))
      )
    }
  }

  // MARK: - XML

  /// The inflated bytes of one part, within the bounds.
  ///
  /// The sizes the archive declares are checked first, so that a bomb fails
  /// before any inflating; the bytes are counted as they come, so that a
  /// part that declares less than it holds fails at its declared size.
  private static func part(_ path: String, of archive: Archive) throws -> Data {
    guard let entry = archive[path] else { throw Failure.missingPart(path) }
    let compressed = UInt64(entry.compressedSize)
    let limit = min(maxPartBytes, max(1 << 20, compressed * maxRatio))
    guard entry.uncompressedSize <= limit else {
      throw Failure.tooLarge(part: path, bytes: limit, compressed: compressed)
    }
    let declared = entry.uncompressedSize
    var data = Data()
    data.reserveCapacity(Int(declared))
    _ = try archive.extract(entry, skipCRC32: false) { chunk in
      guard UInt64(data.count + chunk.count) <= declared else {
        throw Failure.largerThanDeclared(part: path, declared: declared)
      }
      data.append(chunk)
    }
    return data
  }

  private static func parse(_ data: Data, part: String, with delegate: any XMLParserDelegate) throws
  {
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    guard parser.parse() else {
      throw Failure.badXML(
        part: part,
        reason: parser.parserError.map { "\($0)" } ?? "unknown error"
      )
    }
  }

  struct Element {
    var attributes: [String: String]
  }

  private static func elements(in data: Data, named names: Set<String>) throws -> [Element] {
    let collector = ElementCollector(names: names)
    try parse(data, part: "workbook", with: collector)
    return collector.found
  }

  /// Column letters of a cell reference: `AB12` → 27.
  static func columnIndex(_ reference: String) -> Int? {
    var index = 0
    var letters = 0
    for scalar in reference.unicodeScalars {
      guard ("A"..."Z").contains(scalar) else { break }
      index = index * 26 + Int(scalar.value - 64)
      letters += 1
    }
    return letters > 0 ? index - 1 : nil
  }
}

private final class ElementCollector: NSObject, XMLParserDelegate {
  let names: Set<String>
  var found: [SpreadsheetReader.Element] = []

  init(names: Set<String>) { self.names = names }

  func parser(
    _ parser: XMLParser,
    didStartElement elementName: String,
    namespaceURI: String?,
    qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    if names.contains(elementName) {
      found.append(SpreadsheetReader.Element(attributes: attributes))
    }
  }
}

/// `<si>` items: plain `<t>` or rich runs `<r><t>`; phonetic runs are skipped.
private final class SharedStrings: NSObject, XMLParserDelegate {
  var strings: [String] = []
  private var current = ""
  private var inText = false
  private var inPhonetic = false

  func parser(
    _ parser: XMLParser,
    didStartElement elementName: String,
    namespaceURI: String?,
    qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    switch elementName {
    case "si": current = ""
    case "t": inText = !inPhonetic
    case "rPh": inPhonetic = true
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inText { current += string }
  }

  func parser(
    _ parser: XMLParser,
    didEndElement elementName: String,
    namespaceURI: String?,
    qualifiedName: String?
  ) {
    switch elementName {
    case "si": strings.append(current)
    case "t": inText = false
    case "rPh": inPhonetic = false
    default: break
    }
  }
}

/// The cells of one worksheet: row number → column → text.
private final class SheetCells: NSObject, XMLParserDelegate {
  let sharedStrings: [String]
  var rows: [(Int, [Int: String])] = []
  private var row = 0
  private var cells: [Int: String] = [:]
  private var column = 0
  private var type = ""
  private var text = ""
  private var collecting = false

  init(sharedStrings: [String]) { self.sharedStrings = sharedStrings }

  func parser(
    _ parser: XMLParser,
    didStartElement elementName: String,
    namespaceURI: String?,
    qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    switch elementName {
    case "row":
      row = Int(attributes["r"] ?? "") ?? row + 1
      cells = [:]
      column = -1
    case "c":
      column = attributes["r"].flatMap(SpreadsheetReader.columnIndex) ?? column + 1
      type = attributes["t"] ?? "n"
      text = ""
    case "v", "t":
      collecting = true
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if collecting { text += string }
  }

  func parser(
    _ parser: XMLParser,
    didEndElement elementName: String,
    namespaceURI: String?,
    qualifiedName: String?
  ) {
    switch elementName {
    case "v", "t": collecting = false
    case "c":
      switch type {
      case "s":
        cells[column] =
          Int(text).flatMap { $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? ""
      case "b": cells[column] = text == "1" ? "TRUE" : "FALSE"
      default: cells[column] = text
      }
    case "row":
      if cells.values.contains(where: { !$0.isEmpty }) { rows.append((row, cells)) }
    default: break
    }
  }
}
