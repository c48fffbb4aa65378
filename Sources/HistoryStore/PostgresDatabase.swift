import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A PostgreSQL store's one connection, used by one caller at a time.
///
/// The command line is synchronous, so each query waits for its future; the
/// connection's event loop runs on PostgresNIO's own threads.
final class PostgresDatabase: @unchecked Sendable {
  let connection: PostgresConnection
  private let lock = NSLock()
  let logger: Logger

  init(_ location: PostgresLocation) throws {
    // PostgresNIO logs at debug and trace; the command line shows none of it.
    logger = Logger(label: "policyscore.store") { _ in SwiftLogNoOpLogHandler() }
    let configuration: PostgresConnection.Configuration
    if let socket = location.socketPath {
      configuration = .init(
        unixSocketPath: socket,
        username: location.user,
        password: location.password,
        database: location.database
      )
    } else {
      configuration = .init(
        host: location.host,
        port: location.port,
        username: location.user,
        password: location.password,
        database: location.database,
        tls: .disable
      )
    }
    connection = try PostgresConnection.connect(
      on: PostgresConnection.defaultEventLoopGroup.any(),
      configuration: configuration,
      id: 1,
      logger: logger
    ).wait()
  }

  deinit { try? connection.close().wait() }

  /// Runs `body` in one transaction, committed when it returns and rolled
  /// back when it throws.
  func transaction<T>(readOnly: Bool = false, _ body: (PostgresSession) throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    let session = PostgresSession(connection: connection, logger: logger)
    try session.execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
    do {
      let result = try body(session)
      try session.execute("COMMIT")
      return result
    } catch {
      try? session.execute("ROLLBACK")
      throw error
    }
  }

  /// Runs `body` outside a transaction: for session-level locks.
  func session<T>(_ body: (PostgresSession) throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(PostgresSession(connection: connection, logger: logger))
  }
}

/// A PostgreSQL connection as an `SQLSession`.
struct PostgresSession: SQLSession {
  let connection: PostgresConnection
  let logger: Logger
  var dialect: SQLDialect { .postgres }

  func execute(_ sql: String, _ arguments: [SQLValue]) throws {
    _ = try query(sql, arguments)
  }

  func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
    var bindings = PostgresBindings(capacity: arguments.count)
    for argument in arguments {
      switch argument {
      case .null: bindings.appendNull()
      case .integer(let value): bindings.append(value)
      case .real(let value): bindings.append(value)
      case .text(let value): bindings.append(value)
      }
    }
    let result = try connection.query(
      PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings),
      logger: logger
    ).wait()
    var names: [String: Int]?
    var rows: [SQLRow] = []
    for row in result.rows {
      if names == nil {
        names = Dictionary(
          row.enumerated().map { ($1.columnName, $0) },
          uniquingKeysWith: { first, _ in first }
        )
      }
      rows.append(SQLRow(names: names ?? [:], values: try row.map(Self.value)))
    }
    return rows
  }

  func inserter(_ sql: String) throws -> PostgresInsert { try PostgresInsert(sql, session: self) }

  /// `?` placeholders as `$1`, `$2`…; the store's SQL has no `?` in literals.
  static func numbered(_ sql: String) -> String {
    var out = ""
    out.reserveCapacity(sql.utf8.count + 16)
    var number = 0
    for character in sql {
      if character == "?" {
        number += 1
        out += "$\(number)"
      } else {
        out.append(character)
      }
    }
    return out
  }

  private static func value(_ cell: PostgresCell) throws -> SQLValue {
    guard cell.bytes != nil else { return .null }
    switch cell.dataType {
    case .int8: return .integer(try cell.decode(Int64.self))
    case .int4: return .integer(Int64(try cell.decode(Int32.self)))
    case .int2: return .integer(Int64(try cell.decode(Int16.self)))
    case .float8: return .real(try cell.decode(Double.self))
    case .float4: return .real(Double(try cell.decode(Float.self)))
    case .numeric: return .real(Double(try cell.decode(String.self)) ?? .nan)
    case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
    default: return .text(try cell.decode(String.self))
    }
  }
}

/// Rows gathered and sent as multi-row INSERTs, as many at once as
/// PostgreSQL's limit of 65,535 parameters allows.
struct PostgresInsert: BulkInsert {
  private let session: PostgresSession
  private let shape: InsertShape
  private let batchRows: Int

  init(_ sql: String, session: PostgresSession) throws {
    self.session = session
    shape = try InsertShape(sql)
    batchRows = max(1, 60_000 / shape.columns)
  }

  func insert(_ rows: InsertRows) throws {
    let columns = shape.columns
    precondition(rows.values.count % columns == 0, "a row's values left unbound")
    for first in stride(from: 0, to: rows.values.count, by: batchRows * columns) {
      let values = first..<min(rows.values.count, first + batchRows * columns)
      try session.execute(shape.sql(rows: values.count / columns), values.map(rows.value))
    }
  }
}

/// Where a PostgreSQL store is: from `postgres://user[:password]@host[:port]/db`
/// (or `postgresql://`, or `?host=/socket/folder`), the password else from
/// `PGPASSWORD`, else from the password file (`PGPASSFILE`, else `~/.pgpass`).
struct PostgresLocation: Sendable, Equatable {
  var user: String
  var password: String?
  var host: String
  var port: Int
  var database: String
  /// A Unix socket's full path, when the host is a folder.
  var socketPath: String?

  static func isURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  init?(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
    guard Self.isURL(text), let components = URLComponents(string: text) else { return nil }
    user =
      components.percentEncodedUser?.removingPercentEncoding ?? environment["PGUSER"]
      ?? environment["USER"] ?? "postgres"
    host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
    port = components.port ?? 5432
    let name = components.path.split(separator: "/").first.map(String.init) ?? ""
    database = name.removingPercentEncoding ?? name
    if database.isEmpty { database = user }
    if let folder = components.queryItems?.first(where: { $0.name == "host" })?.value,
      folder.hasPrefix("/")
    {
      host = folder
      socketPath = "\(folder)/.s.PGSQL.\(port)"
    }
    password =
      components.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
      ?? Self.passwordFile(
        environment: environment,
        host: host,
        port: port,
        database: database,
        user: user
      )
  }

  /// The URL as it may be shown and recorded: never the password.
  var shown: String {
    let place = socketPath != nil ? "?host=\(host)" : ""
    let server = socketPath != nil ? "" : "\(host):\(port)"
    return "postgres://\(user)@\(server)/\(database)\(place)"
  }

  /// libpq's password file: `host:port:database:user:password` lines, `*`
  /// matching anything.
  private static func passwordFile(
    environment: [String: String],
    host: String,
    port: Int,
    database: String,
    user: String
  ) -> String? {
    let path = environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? "")
    guard !path.isEmpty, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      return nil
    }
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let fields = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(
        String.init
      )
      guard fields.count == 5 else { continue }
      let wanted = [host, String(port), database, user]
      if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }
}
