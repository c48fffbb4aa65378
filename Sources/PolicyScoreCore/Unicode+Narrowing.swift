extension Unicode.Scalar {
  /// The ASCII form of a full-width character (`０` → `0`, `（` → `(`), as
  /// Chinese spreadsheets write them; other scalars unchanged.
  package var narrowed: Unicode.Scalar {
    guard (0xFF01...0xFF5E).contains(value), let narrow = Unicode.Scalar(value - 0xFEE0) else {
      return self
    }
    return narrow
  }
}
