import GRDB
import GRDBSQLite

/// A prepared INSERT bound and stepped through SQLite's C API.
///
/// GRDB's `StatementArguments` box every value as an existential; for the
/// millions of rows of a large run that boxing cost more than SQLite's own
/// work. Values are bound in the statement's column order, then `run()`
/// inserts the row. Only for plain inserts inside `Store`'s own write
/// transactions, which have no transaction observers to notify.
struct RowInsert {
  private let statement: Statement
  private var column: Int32 = 0

  init(_ db: Database, sql: String) throws {
    statement = try db.makeStatement(sql: sql)
  }

  /// SQLite copies the bytes before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  mutating func bind(_ value: String) {
    column += 1
    var value = value
    value.withUTF8 { bind(utf8: $0) }
  }

  mutating func bind(_ value: String?) {
    if let value { bind(value) } else { bindNull() }
  }

  /// Text given as its UTF-8 bytes.
  mutating func bind(utf8 bytes: [UInt8]) {
    column += 1
    bytes.withUnsafeBufferPointer { bind(utf8: $0) }
  }

  private func bind(utf8: UnsafeBufferPointer<UInt8>) {
    // A non-null pointer even for an empty text, which is not NULL.
    let empty: UInt8 = 0
    withUnsafePointer(to: empty) { emptyPointer in
      let base = UnsafeRawPointer(utf8.baseAddress ?? emptyPointer).assumingMemoryBound(
        to: CChar.self
      )
      _ = sqlite3_bind_text(
        statement.sqliteStatement,
        column,
        base,
        Int32(utf8.count),
        Self.transient
      )
    }
  }

  mutating func bind(_ value: Int) {
    column += 1
    _ = sqlite3_bind_int64(statement.sqliteStatement, column, Int64(value))
  }

  mutating func bind(_ value: Int64) {
    column += 1
    _ = sqlite3_bind_int64(statement.sqliteStatement, column, value)
  }

  mutating func bind(_ value: Double) {
    column += 1
    _ = sqlite3_bind_double(statement.sqliteStatement, column, value)
  }

  mutating func bind(_ value: Bool) { bind(value ? 1 : 0) }

  mutating func bindNull() {
    column += 1
    _ = sqlite3_bind_null(statement.sqliteStatement, column)
  }

  /// Inserts the bound row and makes the statement ready for the next.
  mutating func run() throws {
    let sqlite = statement.sqliteStatement
    assert(column == sqlite3_bind_parameter_count(sqlite), "a value left unbound")
    column = 0
    let code = sqlite3_step(sqlite)
    let message =
      code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(sqlite3_db_handle(sqlite)))
    sqlite3_reset(sqlite)
    if let message {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code),
        message: message,
        sql: statement.sql
      )
    }
  }
}
