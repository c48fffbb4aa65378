import Foundation

/// A value the store reads or writes: SQLite's and PostgreSQL's common types.
enum SQLValue: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)

  init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
  init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
  init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
  init(_ value: Double?) { self = value.map(SQLValue.real) ?? .null }
}

/// One row of a query, read by column name.
struct SQLRow: Sendable {
  let names: [String: Int]
  let values: [SQLValue]

  subscript(_ name: String) -> SQLValue {
    names[name].map { values[$0] } ?? .null
  }

  func text(_ name: String) -> String? {
    switch self[name] {
    case .text(let value): return value
    case .integer(let value): return String(value)
    case .real(let value): return String(value)
    case .null: return nil
    }
  }

  func int64(_ name: String) -> Int64? {
    switch self[name] {
    case .integer(let value): return value
    case .real(let value): return Int64(value)
    case .text(let value): return Int64(value)
    case .null: return nil
    }
  }

  func int(_ name: String) -> Int? { int64(name).map(Int.init) }

  func double(_ name: String) -> Double? {
    switch self[name] {
    case .real(let value): return value
    case .integer(let value): return Double(value)
    case .text(let value): return Double(value)
    case .null: return nil
    }
  }
}

/// What the store's SQL differs in between SQLite and PostgreSQL.
enum SQLDialect: Sendable {
  case sqlite
  case postgres

  /// `LIMIT` with no limit, before an `OFFSET`.
  var noLimit: String { self == .sqlite ? "-1" : "ALL" }
}

/// A connection inside a transaction (or a read), on either backend.
///
/// SQL is written once with `?` placeholders; PostgreSQL's session numbers
/// them. The store's statements are the SQL both systems share.
protocol SQLSession {
  associatedtype Inserter: BulkInsert
  var dialect: SQLDialect { get }
  func execute(_ sql: String, _ arguments: [SQLValue]) throws
  func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
  /// An INSERT run for many rows: `INSERT INTO t (a, b) VALUES (?, ?)`.
  func inserter(_ sql: String) throws -> Inserter
}

extension SQLSession {
  func execute(_ sql: String) throws { try execute(sql, []) }
  func query(_ sql: String) throws -> [SQLRow] { try query(sql, []) }

  /// The `id` that `INSERT … RETURNING id` gave.
  func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
    guard let id = try query(sql + " RETURNING id", arguments).first?.int64("id") else {
      throw StoreError.failed("an insert returned no id")
    }
    return id
  }
}

/// An INSERT run for many rows at once.
protocol BulkInsert {
  /// Inserts every row of `rows`.
  mutating func insert(_ rows: InsertRows) throws
}

/// Rows of values for an INSERT, gathered on any thread, value by value in
/// the statement's column order.
///
/// Texts are kept end to end in one buffer, not as a string each: a run's
/// million rows are gathered block by block beside the thread that inserts
/// them, which then only hands SQLite the values.
struct InsertRows: Sendable {
  enum Value: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    /// Bytes `start..<end` of `text`.
    case text(start: Int, end: Int)
  }

  private(set) var values: [Value] = []
  /// The texts' UTF-8, end to end.
  private(set) var text: [UInt8] = []

  init(reservingValues count: Int = 0) { values.reserveCapacity(count) }

  mutating func bind(_ value: String) {
    var value = value
    value.withUTF8 { bind(utf8: $0) }
  }

  mutating func bind(_ value: String?) {
    if let value { bind(value) } else { values.append(.null) }
  }

  /// Text given as its UTF-8 bytes.
  mutating func bind(utf8 bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { bind(utf8: $0) }
  }

  private mutating func bind(utf8: UnsafeBufferPointer<UInt8>) {
    let start = text.count
    text.append(contentsOf: utf8)
    values.append(.text(start: start, end: text.count))
  }

  mutating func bind(_ value: Int) { bind(Int64(value)) }

  mutating func bind(_ value: Int64) { values.append(.integer(value)) }

  mutating func bind(_ value: Double) { values.append(.real(value)) }

  mutating func bind(_ value: Bool) { bind(value ? 1 : 0) }

  /// Binds a value of either backend's common types.
  mutating func bind(_ value: SQLValue) {
    switch value {
    case .null: values.append(.null)
    case .integer(let value): bind(value)
    case .real(let value): bind(value)
    case .text(let value): bind(value)
    }
  }

  /// The value of `index` as either backend's common type.
  func value(_ index: Int) -> SQLValue {
    switch values[index] {
    case .null: return .null
    case .integer(let value): return .integer(value)
    case .real(let value): return .real(value)
    case .text(let start, let end): return .text(String(decoding: text[start..<end], as: UTF8.self))
    }
  }
}

/// An INSERT's SQL, `INSERT INTO t (a, b) VALUES (?, ?)` maybe followed by
/// an `ON CONFLICT` clause, as a multi-row INSERT of any number of rows.
struct InsertShape {
  private let head: String
  private let tuple: String
  private let tail: String
  /// The values in a row.
  let columns: Int

  init(_ sql: String) throws {
    guard let values = sql.range(of: "VALUES"),
      let open = sql[values.upperBound...].firstIndex(of: "("),
      let close = sql[open...].firstIndex(of: ")")
    else { throw StoreError.failed("not an insert: \(sql)") }
    head = String(sql[..<values.upperBound])
    tuple = String(sql[open...close])
    tail = String(sql[sql.index(after: close)...])
    columns = max(1, tuple.filter { $0 == "?" }.count)
  }

  /// The INSERT of `rows` rows.
  func sql(rows: Int) -> String {
    head + " " + Array(repeating: tuple, count: rows).joined(separator: ", ") + tail
  }
}
