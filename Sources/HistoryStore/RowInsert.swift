import GRDB
import GRDBSQLite
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport

/// A prepared INSERT bound and stepped through SQLite's C API, many rows at
/// a time.
///
/// GRDB's `StatementArguments` box every value as an existential; for the
/// millions of rows of a large run that boxing cost more than SQLite's own
/// work. The rows are gathered and inserted `batchRows` at a time by one
/// multi-row INSERT: stepping a statement per row reopened the table's
/// cursor and searched the B-tree from its root for every row, where one
/// statement keeps the cursor on the last page the rows before were added
/// to. Values are bound in the statement's column order; `run()` ends a
/// row and `finish()` inserts the rows still gathered. Only for plain
/// inserts inside `Store`'s own write transactions, which have no
/// transaction observers to notify.
struct RowInsert: BulkInsert {
  private enum Value {
    case null
    case integer(Int64)
    case real(Double)
    /// Bytes `start..<end` of `text`.
    case text(start: Int, end: Int)
  }

  private let db: Database
  private let shape: InsertShape
  /// The statement for a full batch, prepared at the first full batch.
  private var full: Statement?
  private let batchRows: Int
  private var values: [Value] = []
  /// The gathered rows' texts, end to end.
  private var text: [UInt8] = []

  init(_ db: Database, sql: String, batchRows: Int = 64) throws {
    self.db = db
    shape = try InsertShape(sql)
    self.batchRows = max(1, min(batchRows, 30_000 / shape.columns))
    values.reserveCapacity(self.batchRows * shape.columns)
  }

  /// SQLite copies the bytes before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  mutating func bind(_ value: String) {
    var value = value
    value.withUTF8 { append(utf8: $0) }
  }

  mutating func bind(_ value: String?) {
    if let value { bind(value) } else { values.append(.null) }
  }

  /// Text given as its UTF-8 bytes.
  mutating func bind(utf8 bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { append(utf8: $0) }
  }

  private mutating func append(utf8: UnsafeBufferPointer<UInt8>) {
    let start = text.count
    text.append(contentsOf: utf8)
    values.append(.text(start: start, end: text.count))
  }

  mutating func bind(_ value: Int) { bind(Int64(value)) }

  mutating func bind(_ value: Int64) { values.append(.integer(value)) }

  mutating func bind(_ value: Double) { values.append(.real(value)) }

  mutating func bind(_ value: Bool) { bind(value ? 1 : 0) }

  /// Ends the bound row; a full batch is inserted.
  mutating func run() throws {
    assert(values.count % shape.columns == 0, "a value left unbound")
    if values.count == batchRows * shape.columns { try insertGathered() }
  }

  /// Inserts the rows still gathered.
  mutating func finish() throws { try insertGathered() }

  private mutating func insertGathered() throws {
    let rows = values.count / shape.columns
    guard rows > 0 else { return }
    let statement: Statement
    if rows == batchRows, let full {
      statement = full
    } else {
      statement = try db.makeStatement(sql: shape.sql(rows: rows))
      if rows == batchRows { full = statement }
    }
    let sqlite = statement.sqliteStatement
    // The texts are bound in place (`SQLITE_STATIC`): `text` is not
    // changed until the statement has run and let go of its bindings.
    let code = text.withUnsafeBufferPointer { text in
      let base = text.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
      for (index, value) in values.enumerated() {
        let column = Int32(index + 1)
        let code: Int32
        switch value {
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
    values.removeAll(keepingCapacity: true)
    text.removeAll(keepingCapacity: true)
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
