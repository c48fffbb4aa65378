import GRDB
import GRDBSQLite

/// An INSERT stepped through SQLite's C API, many rows at a time.
///
/// GRDB's `StatementArguments` box every value as an existential; for the
/// millions of rows of a large run that boxing cost more than SQLite's own
/// work. Rows go `batchRows` at a time into one multi-row INSERT: stepping
/// a statement per row reopened the table's cursor and searched the B-tree
/// from its root for every row, where one statement keeps the cursor on the
/// last page the rows before it were added to. Only for plain inserts
/// inside `Store`'s own write transactions, which have no transaction
/// observers to notify.
struct RowInsert: BulkInsert {
  private let db: Database
  private let shape: InsertShape
  private let batchRows: Int
  /// The statement for a full batch, prepared at the first full batch.
  private var full: Statement?

  init(_ db: Database, sql: String, batchRows: Int = 64) throws {
    self.db = db
    shape = try InsertShape(sql)
    self.batchRows = max(1, min(batchRows, 30_000 / shape.columns))
  }

  /// SQLite copies the bytes before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  mutating func insert(_ rows: InsertRows) throws {
    let columns = shape.columns
    precondition(rows.values.count % columns == 0, "a row's values left unbound")
    let count = rows.values.count / columns
    var first = 0
    while first < count {
      let batch = min(batchRows, count - first)
      try insert(rows, values: first * columns..<(first + batch) * columns, statement(rows: batch))
      first += batch
    }
  }

  /// The statement for `rows` rows.
  private mutating func statement(rows: Int) throws -> Statement {
    if rows == batchRows, let full { return full }
    let statement = try db.makeStatement(sql: shape.sql(rows: rows))
    if rows == batchRows { full = statement }
    return statement
  }

  /// Binds `values` of `rows` to `statement` and runs it.
  private func insert(_ rows: InsertRows, values: Range<Int>, _ statement: Statement) throws {
    let sqlite = statement.sqliteStatement
    // The texts are bound in place (`SQLITE_STATIC`): `rows` outlives the
    // statement's run, after which its bindings are cleared.
    let code = rows.text.withUnsafeBufferPointer { text in
      let base = text.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
      for index in values {
        let column = Int32(index - values.lowerBound + 1)
        let code: Int32
        switch rows.values[index] {
        case .null: code = sqlite3_bind_null(sqlite, column)
        case .integer(let value): code = sqlite3_bind_int64(sqlite, column, value)
        case .real(let value): code = sqlite3_bind_double(sqlite, column, value)
        case .text(let start, let end):
          if let base, end > start {
            code = sqlite3_bind_text(sqlite, column, base + start, Int32(end - start), nil)
          } else {
            // Empty text, which is not NULL.
            code = sqlite3_bind_text(sqlite, column, "", 0, Self.transient)
          }
        }
        if code != SQLITE_OK { return code }
      }
      return sqlite3_step(sqlite)
    }
    let message =
      code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(sqlite3_db_handle(sqlite)))
    sqlite3_reset(sqlite)
    sqlite3_clear_bindings(sqlite)
    if let message {
      // The one row's SQL: the message is not a batch's thousand marks.
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code),
        message: message,
        sql: shape.sql(rows: 1)
      )
    }
  }
}
