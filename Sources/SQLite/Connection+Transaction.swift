import CSQLite

extension Connection {
  /// Runs `body` in a transaction: `BEGIN IMMEDIATE`, then `COMMIT` if `body` returns, or
  /// `ROLLBACK` if it (or the commit) throws; the error is rethrown.
  ///
  /// `IMMEDIATE` takes the write lock up front (waiting up to the busy timeout), so a transaction
  /// that reads and then writes never fails with `SQLITE_BUSY` halfway through. When a
  /// transaction is already open, the call becomes a `SAVEPOINT` that is released on success
  /// and rolled back to on error, leaving the outer transaction open.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try transaction(beginning: "BEGIN IMMEDIATE", body)
  }

  /// Like `transaction(_:)` but with a deferred `BEGIN`, for reading one consistent snapshot
  /// (and for read-only connections, which cannot take the write lock).
  func readTransaction<T>(_ body: () throws -> T) throws -> T {
    try transaction(beginning: "BEGIN DEFERRED", body)
  }

  private func transaction<T>(beginning begin: String, _ body: () throws -> T) throws -> T {
    if isInTransaction {
      return try savepoint(body)
    }
    try execute(begin)
    let result: T
    do {
      result = try body()
      try execute("COMMIT")
    } catch {
      rollBack()
      throw error
    }
    return result
  }

  private func savepoint<T>(_ body: () throws -> T) throws -> T {
    savepointDepth += 1
    defer { savepointDepth -= 1 }
    // The name is fixed per depth, so nested savepoints never collide.
    let name = "podhop_savepoint_\(savepointDepth)"
    try execute("SAVEPOINT \(name)")
    let result: T
    do {
      result = try body()
      try execute("RELEASE \(name)")
    } catch {
      rollBack(to: name)
      throw error
    }
    return result
  }

  /// Rolls back the open transaction, if SQLite has not already done so (it rolls back by itself
  /// after some errors, e.g. an interrupted write or SQLITE_FULL).
  private func rollBack() {
    guard isInTransaction else { return }
    // A failed ROLLBACK leaves nothing better to do; the caller is already throwing.
    try? executeIgnoringCancellation("ROLLBACK")
  }

  private func rollBack(to savepoint: String) {
    guard isInTransaction else { return }
    try? executeIgnoringCancellation("ROLLBACK TO \(savepoint); RELEASE \(savepoint)")
  }
}
