/// Plain-text tables for the terminal, aligned by display width (CJK counts 2).
public enum TextTable {
  /// The rows as one string, the first row a header.
  public static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
    lines(rows, rightAligned: rightAligned).joined(separator: "\n")
  }

  /// Columns padded to the terminal width of their widest cell (CJK counts 2).
  public static func lines(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (index, cell) in row.enumerated() {
        widths[index] = max(widths[index], displayWidth(cell))
      }
    }
    return rows.map { row in
      row.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: widths[index] - displayWidth(cell))
        return rightAligned.contains(index) ? pad + cell : cell + pad
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
  }

  package static func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
      let v = scalar.value
      let wide =
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v)
        || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
        || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        || (0xFFE0...0xFFE6).contains(v)
      return width + (wide ? 2 : 1)
    }
  }
}

extension String {
  /// The text without the spaces at its end.
  package func trimmingTrailingSpaces() -> String {
    var text = self
    while text.hasSuffix(" ") { text.removeLast() }
    return text
  }
}
