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
    return text.split(whereSeparator: { ";|；、,，".contains($0) })
      .map { RowReader.trimmed(String($0)) }.filter { !$0.isEmpty }
  }
}
