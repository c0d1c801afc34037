import CSQLite

/// A prepared statement, cached by its ``Connection`` and reused for every call with its SQL.
///
/// Ownership: the connection creates statements with `sqlite3_prepare_v3` and is the only one
/// that finalizes them, in ``Connection/close()``; a statement never outlives its connection's
/// handle, so this type has no `deinit`.
final class Statement {
  let handle: OpaquePointer
  let sql: String
  /// Column names of the result, in order; SQLite may change them if the schema changes and the
  /// statement is re-prepared, so they are read again for each call.
  private(set) var columnNames: [String] = []
  private var indexByName: [String: Int] = [:]

  init(handle: OpaquePointer, sql: String) {
    self.handle = handle
    self.sql = sql
  }

  /// Binds `arguments` to the `?` parameters in order.
  func bind(_ arguments: [(any SQLBindable)?], db: OpaquePointer) throws(SQLiteError) {
    let expected = Int(sqlite3_bind_parameter_count(handle))
    guard arguments.count == expected else {
      throw SQLiteError(
        extendedCode: SQLITE_RANGE,
        message:
          "the statement has \(expected) parameters but \(arguments.count) arguments were given",
        sql: sql)
    }
    for (offset, argument) in arguments.enumerated() {
      let status = bind(argument?.sqlValue ?? .null, at: Int32(offset + 1))
      guard status == SQLITE_OK else {
        throw SQLiteError.from(status, db: db, sql: sql)
      }
    }
  }

  private func bind(_ value: SQLValue, at index: Int32) -> Int32 {
    // SQLITE_TRANSIENT makes SQLite copy text and blobs during the call, so the Swift buffers
    // only need to live until the bind function returns.
    let transient = podhop_sqlite_transient()
    switch value {
    case .null:
      return sqlite3_bind_null(handle, index)
    case .integer(let number):
      return sqlite3_bind_int64(handle, index, number)
    case .real(let number):
      return sqlite3_bind_double(handle, index, number)
    case .text(let string):
      // A NULL pointer would bind NULL rather than "", so empty text gets a literal pointer.
      guard !string.isEmpty else {
        return sqlite3_bind_text(handle, index, "", 0, transient)
      }
      var string = string
      return string.withUTF8 { bytes in
        sqlite3_bind_text64(
          handle, index, bytes.baseAddress, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
      }
    case .blob(let bytes):
      // As with text, a NULL pointer would bind NULL; a zero-length zeroblob is an empty blob.
      guard !bytes.isEmpty else {
        return sqlite3_bind_zeroblob(handle, index, 0)
      }
      return bytes.withUnsafeBytes { buffer in
        sqlite3_bind_blob64(handle, index, buffer.baseAddress, UInt64(buffer.count), transient)
      }
    }
  }

  /// Reads the column names for the current execution, reusing the lookup table when unchanged.
  func refreshColumnNames() {
    let count = sqlite3_column_count(handle)
    let names = (0..<count).map { column in
      sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
    }
    if names != columnNames {
      columnNames = names
      indexByName = Row.index(of: names)
    }
  }

  /// The current row; valid only after `sqlite3_step` returned `SQLITE_ROW`.
  func currentRow() -> Row {
    let values = (0..<Int32(columnNames.count)).map(value(at:))
    return Row(columnNames: columnNames, indexByName: indexByName, values: values)
  }

  private func value(at column: Int32) -> SQLValue {
    switch sqlite3_column_type(handle, column) {
    case SQLITE_INTEGER:
      return .integer(sqlite3_column_int64(handle, column))
    case SQLITE_FLOAT:
      return .real(sqlite3_column_double(handle, column))
    case SQLITE_TEXT:
      // column_text before column_bytes, so the byte count is that of the UTF-8 form.
      guard let text = sqlite3_column_text(handle, column) else { return .text("") }
      let count = Int(sqlite3_column_bytes(handle, column))
      return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
    case SQLITE_BLOB:
      // sqlite3_column_blob returns NULL for an empty blob.
      guard let blob = sqlite3_column_blob(handle, column) else { return .blob([]) }
      let count = Int(sqlite3_column_bytes(handle, column))
      return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
    default:
      return .null
    }
  }

  /// Makes the statement ready for its next use: resets it (ending any transaction it keeps
  /// open, such as an unfinished `RETURNING`) and drops the bound values.
  func resetAndClear() {
    // sqlite3_reset repeats the last step's error, which the caller has already handled.
    _ = sqlite3_reset(handle)
    _ = sqlite3_clear_bindings(handle)
  }
}
