import GRDB
import GRDBSQLite
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport

/// A prepared INSERT bound and stepped through SQLite's C API.
///
/// GRDB's `StatementArguments` box every value as an existential; for the
/// millions of rows of a large run that boxing cost more than SQLite's own
/// work. Values are bound in the statement's column order, then `run()`
/// inserts the row. Only for plain inserts inside `Store`'s own write
/// transactions, which have no transaction observers to notify.
struct RowInsert: BulkInsert {
  private let statement: Statement
  private var column: Int32 = 0
  /// The first failed bind of the row being bound, thrown by `run()`.
  private var failure = SQLITE_OK

  init(_ db: Database, sql: String) throws {
    statement = try db.makeStatement(sql: sql)
  }

  /// SQLite copies the bytes before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  mutating func bind(_ value: String) {
    var value = value
    value.withUTF8 { bind(utf8: $0) }
  }

  mutating func bind(_ value: String?) {
    if let value { bind(value) } else { bind { sqlite3_bind_null($0, $1) } }
  }

  /// Text given as its UTF-8 bytes.
  mutating func bind(utf8 bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { bind(utf8: $0) }
  }

  private mutating func bind(utf8: UnsafeBufferPointer<UInt8>) {
    guard let base = utf8.baseAddress, !utf8.isEmpty else {
      // Empty text, which is not NULL.
      bind { sqlite3_bind_text($0, $1, "", 0, Self.transient) }
      return
    }
    bind { statement, column in
      base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { text in
        sqlite3_bind_text(statement, column, text, Int32(utf8.count), Self.transient)
      }
    }
  }

  mutating func bind(_ value: Int) { bind(Int64(value)) }

  mutating func bind(_ value: Int64) { bind { sqlite3_bind_int64($0, $1, value) } }

  mutating func bind(_ value: Double) { bind { sqlite3_bind_double($0, $1, value) } }

  mutating func bind(_ value: Bool) { bind(value ? 1 : 0) }

  /// Binds the next column with `call(statement, column)`.
  private mutating func bind(_ call: (OpaquePointer, Int32) -> Int32) {
    column += 1
    let code = call(statement.sqliteStatement, column)
    if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
  }

  /// SQLite has stored every row as it ran.
  func finish() {}

  /// Inserts the bound row and makes the statement ready for the next.
  mutating func run() throws {
    let sqlite = statement.sqliteStatement
    assert(column == sqlite3_bind_parameter_count(sqlite), "a value left unbound")
    column = 0
    let code = failure == SQLITE_OK ? sqlite3_step(sqlite) : failure
    failure = SQLITE_OK
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
