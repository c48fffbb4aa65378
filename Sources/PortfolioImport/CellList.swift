/// A cell that holds a list: industry codes, or a segment split.
package enum CellList {
  /// The items of `text`, split at `;`, `|`, `,` and their full-width forms
  /// and `、`, each trimmed; none for a blank cell.
  package static func split(_ text: String) -> [String] {
    if text.isEmpty { return [] }
    func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
      switch scalar {
      case ";", "|", "；", "、", ",", "，": return true
      default: return false
      }
    }
    if !text.unicodeScalars.contains(where: isSeparator) {
      let single = RowReader.trimmed(text)
      return single.isEmpty ? [] : [single]
    }
    if let items = text.utf8.withContiguousStorageIfAvailable(asciiItems), let items {
      return items
    }
    return text.split(whereSeparator: { ";|；、,，".contains($0) })
      .map { RowReader.trimmed(String($0)) }.filter { !$0.isEmpty }
  }

  /// The items of an ASCII cell, split at its separator bytes; nil for any
  /// other cell.
  ///
  /// In ASCII each byte is a character. Splitting by characters compared
  /// each with every separator: most of the reading of a file with a split
  /// column.
  private static func asciiItems(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
    guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
    var items: [String] = []
    var start = 0
    // `;`, `|` and `,`.
    for end in 0...bytes.count
    where end == bytes.count || bytes[end] == 0x3B || bytes[end] == 0x7C || bytes[end] == 0x2C {
      let item = RowReader.trimmed(
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
      )
      if !item.isEmpty { items.append(item) }
      start = end + 1
    }
    return items
  }
}
