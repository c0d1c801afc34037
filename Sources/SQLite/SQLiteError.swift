import CSQLite

/// An error reported by SQLite, with its result codes.
///
/// The message is SQLite's own (`sqlite3_errmsg`), which names tables, columns and constraints
/// but never the values bound to a statement; ``sql`` is the statement text with its `?`
/// placeholders, never the arguments.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
  /// The primary result code, e.g. `SQLITE_CONSTRAINT` (19).
  public let code: Int32
  /// The extended result code, e.g. `SQLITE_CONSTRAINT_UNIQUE` (2067); equals ``code`` when
  /// SQLite gave no extended code.
  public let extendedCode: Int32
  /// SQLite's explanation, e.g. `UNIQUE constraint failed: jobs.name`.
  public let message: String
  /// The statement being prepared or run, if any; placeholders only, never bound values.
  public let sql: String?

  /// Creates an error from an extended (or primary) result code.
  public init(extendedCode: Int32, message: String, sql: String? = nil) {
    self.code = extendedCode & 0xff
    self.extendedCode = extendedCode
    self.message = message
    self.sql = sql
  }

  /// Whether a constraint (UNIQUE, NOT NULL, CHECK, FOREIGN KEY, …) was violated.
  public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
  /// Whether the database was locked by another connection for longer than the busy timeout.
  public var isBusy: Bool { code == SQLITE_BUSY }
  /// Whether the disk (or the database's size limit) is full.
  public var isFull: Bool { code == SQLITE_FULL }
  /// Whether the file is damaged or is not an SQLite database at all.
  public var isDamaged: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }
  /// Whether the statement was stopped by ``Connection/interrupt()`` or by cancellation.
  public var isInterrupted: Bool { code == SQLITE_INTERRUPT }

  /// SQLite's codes and message, then the statement, for example:
  /// SQLite error 19 (constraint failed, extended 2067): UNIQUE constraint failed: t.name, in
  /// `INSERT INTO t(name) VALUES (?)`.
  public var description: String {
    var text = "SQLite error \(code) (\(Self.name(of: code))"
    if extendedCode != code {
      text += ", extended \(extendedCode)"
    }
    text += "): \(message)"
    if let sql {
      let trimmed = sql.trimmingWhitespace()
      let shown = trimmed.count > 200 ? trimmed.prefix(200) + "…" : Substring(trimmed)
      text += ", in `\(shown)`"
    }
    return text
  }

  /// SQLite's English name for a result code, e.g. "constraint failed".
  static func name(of code: Int32) -> String {
    guard let text = sqlite3_errstr(code) else { return "unknown error" }
    return String(cString: text)
  }

  /// The error for a failed call on `db` that returned `resultCode`.
  static func from(_ resultCode: Int32, db: OpaquePointer?, sql: String? = nil) -> SQLiteError {
    var message = name(of: resultCode)
    // sqlite3_errmsg describes the most recent failed call; it says "not an error" when the
    // failing call did not record one (e.g. a misuse detected before touching the handle).
    if let db, sqlite3_errcode(db) != SQLITE_OK, let text = sqlite3_errmsg(db) {
      message = String(cString: text)
    }
    return SQLiteError(extendedCode: resultCode, message: message, sql: sql)
  }

  /// The error for work stopped by cancellation before or between statements.
  static func interrupted(sql: String?) -> SQLiteError {
    SQLiteError(extendedCode: SQLITE_INTERRUPT, message: "interrupted (cancelled)", sql: sql)
  }

  /// The error for using a closed connection.
  static func closed(sql: String?) -> SQLiteError {
    SQLiteError(extendedCode: SQLITE_MISUSE, message: "the connection is closed", sql: sql)
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0.isWhitespace }
    guard let start = firstIndex(where: { !isSpace($0) }),
      let end = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[start...end])
  }
}
