import PolicyScoreCore
import PolicyScoring

extension Store {
  /// The key the store keeps each explanation under: the run's own, unless
  /// the store already holds another text under it (two texts of different
  /// runs whose SHA-256 begin with the same 10 hex digits), then the key
  /// with 16 digits, or all 64.
  ///
  /// The run's reports keep its own keys; in the store, no key names two
  /// texts, so every run reads back its own.
  static func keysInStore(
    _ rows: [(key: String, segment: String, text: String)],
    in db: any SQLSession
  ) throws -> [String] {
    var held: [String: (segment: String, text: String)] = [:]
    for start in stride(from: 0, to: rows.count, by: 500) {
      let keys = rows[start..<min(rows.count, start + 500)].map { SQLValue.text($0.key) }
      let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
      for row in try db.query(
        "SELECT key, segment, text FROM explanation WHERE key IN (\(marks))",
        keys
      ) {
        held[row.text("key") ?? ""] = (row.text("segment") ?? "", row.text("text") ?? "")
      }
    }
    return try rows.map { row in
      guard let other = held[row.key], other != (row.segment, row.text) else { return row.key }
      let digest = SHA256.hex(of: Explanations.hashed(segment: row.segment, text: row.text))
      for digits in [16, 64] {
        let longer = String(row.key.prefix(1) + digest.prefix(digits))
        let found = try db.query(
          "SELECT segment, text FROM explanation WHERE key = ?",
          [.text(longer)]
        ).first
        if found.map({ $0.text("segment") == row.segment && $0.text("text") == row.text }) ?? true {
          return longer
        }
      }
      throw StoreError.failed("the store holds other texts under every key of '\(row.key)'")
    }
  }

  /// Keeps each of `rows` under its key in the store (`keysInStore`), a
  /// text the store already holds once; returns the keys.
  static func insertExplanations(
    _ rows: [(key: String, segment: String, text: String)],
    into db: some SQLSession
  ) throws -> [String] {
    let keys = try keysInStore(rows, in: db)
    var values = InsertRows(reservingValues: 3 * rows.count)
    for (row, key) in zip(rows, keys) {
      values.bind(key)
      values.bind(row.segment)
      values.bind(row.text)
    }
    var insert = try db.inserter(
      "INSERT INTO explanation (key, segment, text) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    )
    try insert.insert(values)
    return keys
  }

  /// `row` with the explanation keys in its `explanation` column renamed
  /// (`k1;k2`); a column that holds a text (runs before v6) is left alone.
  static func renamingKeys(in row: SQLRow, _ renamed: [String: String]) -> SQLRow {
    guard let column = row.names["explanation"], case .text(let keys) = row.values[column],
      !keys.contains(" ")
    else { return row }
    var values = row.values
    values[column] = .text(
      keys.split(separator: ";").map { renamed[String($0)] ?? String($0) }.joined(separator: ";")
    )
    return SQLRow(names: row.names, values: values)
  }
}
