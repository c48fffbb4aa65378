import GRDB

/// A GRDB connection as an `SQLSession`.
struct SQLiteSession: SQLSession {
  let db: Database
  var dialect: SQLDialect { .sqlite }

  func execute(_ sql: String, _ arguments: [SQLValue]) throws {
    try db.execute(sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
  }

  func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
    let rows = try Row.fetchAll(
      db,
      sql: sql,
      arguments: StatementArguments(arguments.map(\.databaseValue))
    )
    guard let first = rows.first else { return [] }
    let names = Dictionary(
      first.columnNames.enumerated().map { ($1, $0) },
      uniquingKeysWith: { first, _ in first }
    )
    return rows.map { row in
      SQLRow(names: names, values: row.databaseValues.map(SQLValue.init))
    }
  }

  func inserter(_ sql: String) throws -> RowInsert { try RowInsert(db, sql: sql) }
}

extension SQLValue {
  var databaseValue: DatabaseValue {
    switch self {
    case .null: return .null
    case .integer(let value): return value.databaseValue
    case .real(let value): return value.databaseValue
    case .text(let value): return value.databaseValue
    }
  }

  init(_ value: DatabaseValue) {
    switch value.storage {
    case .null: self = .null
    case .int64(let value): self = .integer(value)
    case .double(let value): self = .real(value)
    case .string(let value): self = .text(value)
    case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
    }
  }
}
