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

/// An INSERT bound value by value and run row by row, flushed by `finish`.
protocol BulkInsert {
  mutating func bind(_ value: String)
  mutating func bind(_ value: String?)
  /// Text given as its UTF-8 bytes.
  mutating func bind(utf8 bytes: [UInt8])
  mutating func bind(_ value: Int)
  mutating func bind(_ value: Int64)
  mutating func bind(_ value: Double)
  mutating func bind(_ value: Bool)
  /// The bound row is complete.
  mutating func run() throws
  /// Every row run is stored.
  mutating func finish() throws
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
