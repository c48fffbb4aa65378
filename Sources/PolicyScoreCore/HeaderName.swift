/// How a column header is matched: case, spaces, punctuation, full-width forms
/// and bracketed units folded away.
public enum HeaderName {
  /// `" Market Value (元) "` → `"marketvalue"`; `"持仓占比（%）"` → `"持仓占比"`.
  public static func fold(_ header: String) -> String {
    var out = ""
    var depth = 0
    for scalar in header.unicodeScalars.map(\.narrowed) {
      switch scalar {
      case "(", "[", "【": depth += 1
      case ")", "]", "】": depth = max(0, depth - 1)
      case " ", "_", "-", ".", "%", "\u{3000}", "/", "\t": continue
      default:
        if depth == 0 { out.unicodeScalars.append(scalar) }
      }
    }
    return out.lowercased()
  }
}
