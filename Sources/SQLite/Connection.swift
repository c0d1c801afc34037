import CSQLite
import Synchronization

/// One open SQLite connection.
///
/// A connection is not thread-safe: use it from one thread or serial queue at a time (a
/// ``Database`` does that for you). The exception is ``interrupt()``, which any thread may call.
/// Statements passed to ``run(_:_:)``, ``query(_:_:)`` and ``queryOne(_:_:)`` are prepared once
/// with `SQLITE_PREPARE_PERSISTENT` and cached by their SQL text, so write SQL with `?`
/// placeholders and pass values as arguments; never interpolate values into SQL.
public final class Connection {
  /// The handle; owned, closed by `close()` (or `deinit`). Only touched by the owning thread.
  private var db: OpaquePointer?
  /// The same handle for `interrupt()`, which may run on another thread; `close()` clears it
  /// under the lock before closing, so an interrupt never reaches a closed handle.
  private let interruptibleHandle: Mutex<InterruptibleHandle?>
  /// Set when the work running on this connection has been cancelled; read by the progress
  /// handler and before each statement, so cancellation also stops statements that start after
  /// the `sqlite3_interrupt` call (which only affects statements already running).
  let cancellation = CancellationFlag()
  /// Prepared statements by SQL text; finalized by `close()`.
  private var statements: [String: Statement] = [:]
  /// Number of savepoints currently open by nested `transaction` calls.
  var savepointDepth = 0

  /// Opens (or creates) the database at `path`.
  ///
  /// A read-write connection is opened with `READWRITE | CREATE | NOMUTEX` and switched to WAL
  /// journaling; a read-only one with `READONLY | NOMUTEX` (the database must exist). Both get
  /// `synchronous=NORMAL` (durable across process crashes in WAL mode), `foreign_keys=ON`, and
  /// a busy timeout, so a locked database is retried for that long before ``SQLiteError/isBusy``.
  public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5000)
    throws(SQLiteError)
  {
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
      | SQLITE_OPEN_NOMUTEX
    var handle: OpaquePointer?
    let status = sqlite3_open_v2(path, &handle, flags, nil)
    guard status == SQLITE_OK, let handle else {
      let error = SQLiteError.from(status, db: handle)
      // sqlite3_open_v2 allocates a handle even on failure (to carry the message); free it.
      sqlite3_close_v2(handle)
      throw error
    }
    db = handle
    interruptibleHandle = Mutex(InterruptibleHandle(pointer: handle))
    sqlite3_extended_result_codes(handle, 1)
    sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    // The flag object lives as long as this connection, which closes the handle (and with it
    // the handler) before releasing it, so the unretained pointer stays valid.
    sqlite3_progress_handler(
      handle, 1000,
      { context in
        guard let context else { return 0 }
        let flag = Unmanaged<CancellationFlag>.fromOpaque(context).takeUnretainedValue()
        return flag.isSet ? 1 : 0
      }, Unmanaged.passUnretained(cancellation).toOpaque())
    do {
      if !readOnly {
        try execute("PRAGMA journal_mode=WAL")
      }
      try execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON")
    } catch {
      close()
      throw error
    }
  }

  deinit {
    close()
  }

  /// Runs one or more `;`-separated statements without arguments (schema changes, pragmas).
  ///
  /// Rows the statements return are discarded. Nothing is cached.
  public func execute(_ sql: String) throws(SQLiteError) {
    try checkCancellation(sql: sql)
    try executeIgnoringCancellation(sql)
  }

  /// `execute` without the cancellation check, for rolling back cancelled work.
  func executeIgnoringCancellation(_ sql: String) throws(SQLiteError) {
    let db = try openHandle(for: sql)
    var errorMessage: UnsafeMutablePointer<CChar>?
    let status = sqlite3_exec(db, sql, nil, nil, &errorMessage)
    // sqlite3_exec allocates the message with sqlite3_malloc; the caller frees it.
    defer { sqlite3_free(errorMessage) }
    guard status == SQLITE_OK else {
      let message = errorMessage.map { String(cString: $0) } ?? SQLiteError.name(of: status)
      throw SQLiteError(extendedCode: sqlite3_extended_errcode(db), message: message, sql: sql)
    }
  }

  /// Runs one statement with positional (`?`) arguments, stepping it to completion.
  ///
  /// Rows (for example from `RETURNING`) are discarded; use ``query(_:_:)`` to read them.
  public func run(_ sql: String, _ arguments: [(any SQLBindable)?] = []) throws(SQLiteError) {
    let statement = try prepared(sql, arguments)
    defer { statement.resetAndClear() }
    while try step(statement) {}
  }

  /// Runs one statement with positional (`?`) arguments and returns all of its rows.
  ///
  /// The statement is stepped to `SQLITE_DONE`, so an `INSERT/UPDATE/DELETE … RETURNING`
  /// finishes, and its implicit transaction commits, before this returns.
  public func query(_ sql: String, _ arguments: [(any SQLBindable)?] = []) throws(SQLiteError)
    -> [Row]
  {
    let statement = try prepared(sql, arguments)
    defer { statement.resetAndClear() }
    var rows: [Row] = []
    while try step(statement) {
      if rows.isEmpty { statement.refreshColumnNames() }
      rows.append(statement.currentRow())
    }
    return rows
  }

  /// Runs one statement and returns its first row, or `nil` if it returned none.
  ///
  /// A read-only statement stops after the first row; any other statement (e.g. `RETURNING`)
  /// is stepped to completion so all of its changes are made.
  public func queryOne(_ sql: String, _ arguments: [(any SQLBindable)?] = []) throws(SQLiteError)
    -> Row?
  {
    let statement = try prepared(sql, arguments)
    defer { statement.resetAndClear() }
    guard try step(statement) else { return nil }
    statement.refreshColumnNames()
    let row = statement.currentRow()
    if sqlite3_stmt_readonly(statement.handle) == 0 {
      while try step(statement) {}
    }
    return row
  }

  /// The number of rows changed by the most recent INSERT, UPDATE or DELETE.
  public var changes: Int {
    guard let db else { return 0 }
    return Int(sqlite3_changes64(db))
  }

  /// The rowid of the most recent successful INSERT on this connection.
  public var lastInsertedRowID: Int64 {
    guard let db else { return 0 }
    return sqlite3_last_insert_rowid(db)
  }

  /// Whether a transaction is open (SQLite is not in autocommit mode).
  public var isInTransaction: Bool {
    guard let db else { return false }
    return sqlite3_get_autocommit(db) == 0
  }

  /// The schema version kept in the database header (`PRAGMA user_version`).
  public var userVersion: Int {
    get throws(SQLiteError) {
      try queryOne("PRAGMA user_version")?.int("user_version") ?? 0
    }
  }

  /// Stops the statement running on this connection, which then fails with
  /// ``SQLiteError/isInterrupted``; safe to call from any thread.
  ///
  /// Only statements running at the time of the call are affected, and an interrupted write
  /// inside an explicit transaction rolls that transaction back. Does nothing once closed.
  public func interrupt() {
    interruptibleHandle.withLock { handle in
      if let handle { sqlite3_interrupt(handle.pointer) }
    }
  }

  /// Finalizes the cached statements and closes the connection; later calls throw
  /// `SQLITE_MISUSE`. Calling it again does nothing.
  public func close() {
    guard let db else { return }
    interruptibleHandle.withLock { $0 = nil }
    for statement in statements.values {
      sqlite3_finalize(statement.handle)
    }
    statements = [:]
    // close_v2 defers the actual close if anything is still unfinalized, instead of failing.
    sqlite3_close_v2(db)
    self.db = nil
  }
}

// Connection is @unchecked Sendable so that a `Database` can hand it to the serial queue that
// owns it and to `@Sendable` closures that run there. Its mutable state (`db`, `statements`,
// `savepointDepth`) is only touched by whichever single thread is using it at the time, which
// callers must guarantee (documented on the type); the members meant for other threads are
// `interrupt()` (guarded by a Mutex) and `cancellation` (an atomic).
extension Connection: @unchecked Sendable {}

extension Connection {
  /// The open handle, or `SQLITE_MISUSE` if the connection is closed.
  func openHandle(for sql: String?) throws(SQLiteError) -> OpaquePointer {
    guard let db else { throw SQLiteError.closed(sql: sql) }
    return db
  }

  /// Throws `SQLITE_INTERRUPT` if the current work has been cancelled.
  func checkCancellation(sql: String?) throws(SQLiteError) {
    if cancellation.isSet { throw SQLiteError.interrupted(sql: sql) }
  }

  /// The cached statement for `sql`, prepared on first use, with `arguments` bound.
  private func prepared(_ sql: String, _ arguments: [(any SQLBindable)?]) throws(SQLiteError)
    -> Statement
  {
    let db = try openHandle(for: sql)
    try checkCancellation(sql: sql)
    let statement: Statement
    if let cached = statements[sql] {
      statement = cached
    } else {
      statement = try prepare(sql, db: db)
      statements[sql] = statement
    }
    do {
      try statement.bind(arguments, db: db)
    } catch {
      statement.resetAndClear()
      throw error
    }
    return statement
  }

  private func prepare(_ sql: String, db: OpaquePointer) throws(SQLiteError) -> Statement {
    var handle: OpaquePointer?
    var hasMoreStatements = false
    let status = sql.withCString { text in
      var tail: UnsafePointer<CChar>?
      let status = sqlite3_prepare_v3(
        db, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, &tail)
      if status == SQLITE_OK, let tail, tail.pointee != 0 {
        // Whatever follows the first statement must be empty (whitespace or comments).
        var next: OpaquePointer?
        if sqlite3_prepare_v2(db, tail, -1, &next, nil) != SQLITE_OK || next != nil {
          hasMoreStatements = true
        }
        sqlite3_finalize(next)
      }
      return status
    }
    guard status == SQLITE_OK else {
      throw SQLiteError.from(status, db: db, sql: sql)
    }
    guard let handle else {
      throw SQLiteError(
        extendedCode: SQLITE_MISUSE, message: "the SQL holds no statement", sql: sql)
    }
    guard !hasMoreStatements else {
      sqlite3_finalize(handle)
      throw SQLiteError(
        extendedCode: SQLITE_MISUSE,
        message: "run and query take exactly one statement; use execute for several", sql: sql)
    }
    return Statement(handle: handle, sql: sql)
  }

  /// Steps once: `true` for a row, `false` when done.
  private func step(_ statement: Statement) throws(SQLiteError) -> Bool {
    switch sqlite3_step(statement.handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    case let status: throw SQLiteError.from(status, db: db, sql: statement.sql)
    }
  }
}

/// The connection handle as seen by `interrupt()` from other threads.
///
/// @unchecked Sendable: the only thing done with the pointer off the owning thread is
/// `sqlite3_interrupt`, which SQLite documents as safe from any thread while the connection is
/// open; the Mutex holding this value ensures `close()` cannot run concurrently with it.
struct InterruptibleHandle: @unchecked Sendable {
  let pointer: OpaquePointer
}
