import SQLite
import Testing

@Suite("Connection")
struct ConnectionTests {
  @Test("opening a database switches it to WAL journaling")
  func opensInWALMode() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      let mode = try connection.queryOne("PRAGMA journal_mode")?.string("journal_mode")
      #expect(mode == "wal")
      #expect(try connection.queryOne("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
    }
  }

  @Test(
    "every SQLValue case survives a bind and read round trip",
    arguments: [
      SQLValue.null, .integer(0), .integer(.min), .integer(.max), .real(3.25), .real(-1e300),
      .text(""), .text("héllo, wörld 🚀"), .text("nul\u{0}inside"), .blob([]), .blob([0, 1, 0xff]),
    ])
  func roundTrip(value: SQLValue) async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute("CREATE TABLE item (value)")
      try connection.run("INSERT INTO item (value) VALUES (?)", [value])
      let row = try #require(try connection.queryOne("SELECT value FROM item"))
      #expect(row["value"] == value)
    }
  }

  @Test("Swift values bind as their SQL counterparts and read back through typed accessors")
  func swiftBindings() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      let missing: String? = nil
      let present: Int? = 42
      let row = try #require(
        try connection.queryOne(
          "SELECT ? AS int, ? AS int64, ? AS double, ? AS string, ? AS yes, ? AS no, ? AS bytes, ? AS missing, ? AS present",
          [7, Int64(1) << 40, 2.5, "text", true, false, [UInt8]([9, 8]), missing, present]))
      #expect(row.int("int") == 7)
      #expect(row.int64("int64") == 1 << 40)
      #expect(row.double("double") == 2.5)
      #expect(row.string("string") == "text")
      #expect(row.bool("yes") == true)
      #expect(row.bool("no") == false)
      #expect(row["yes"] == .integer(1))
      #expect(row.blob("bytes") == [9, 8])
      #expect(row["missing"] == .null)
      #expect(row.string("missing") == nil)
      #expect(row.int("present") == 42)
      #expect(row["no_such_column"] == .null)
      #expect(row.int("INT") == 7, "column names match case-insensitively")
      #expect(row.string("int") == nil, "an integer is not text")
    }
  }

  @Test("RETURNING yields its rows and finishes the statement, so another writer can go next")
  func returningFinishesTheStatement() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/test.db"
      let first = try Connection(path: path)
      defer { first.close() }
      // No busy timeout: if `first` still held the write lock, `second` would fail at once.
      let second = try Connection(path: path, busyTimeoutMilliseconds: 0)
      defer { second.close() }
      try first.execute("CREATE TABLE job (id INTEGER PRIMARY KEY, kind TEXT NOT NULL)")

      let rows = try first.query(
        "INSERT INTO job (kind) VALUES (?), (?) RETURNING id, kind", ["copy", "build"])
      #expect(rows.map { $0.string("kind") } == ["copy", "build"])
      #expect(rows.map { $0.int("id") } == [1, 2])
      try second.run("INSERT INTO job (kind) VALUES (?)", ["push"])

      // queryOne must also finish a multi-row RETURNING: both updates land.
      let claimed = try first.queryOne(
        "UPDATE job SET kind = 'done' WHERE kind != 'push' RETURNING id")
      #expect(claimed != nil)
      #expect(first.changes == 2)
      try second.run("INSERT INTO job (kind) VALUES (?)", ["push"])
      #expect(
        try second.queryOne("SELECT count(*) AS n FROM job WHERE kind = 'done'")?.int("n") == 2)

      try first.run("DELETE FROM job WHERE kind = ? RETURNING id", ["push"])
      try second.run("INSERT INTO job (kind) VALUES (?)", ["last"])
      #expect(try second.query("SELECT id FROM job").count == 3)
    }
  }

  @Test("a constraint violation keeps SQLite's code and never shows the bound value")
  func constraintViolationHidesArguments() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute(
        "CREATE TABLE secret (token TEXT UNIQUE, CHECK (length(token) < 40 OR token IS NULL))")
      let token = "tok-7f3a9c-very-distinctive"
      try connection.run("INSERT INTO secret (token) VALUES (?)", [token])

      let duplicate = try #require(throws: SQLiteError.self) {
        try connection.run("INSERT INTO secret (token) VALUES (?)", [token])
      }
      #expect(duplicate.isConstraintViolation)
      #expect(duplicate.code == 19)
      #expect(duplicate.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
      #expect(!duplicate.description.contains(token))
      #expect(!duplicate.message.contains(token))
      #expect(duplicate.description.contains("UNIQUE constraint failed: secret.token"))

      let long = String(repeating: "x", count: 50) + "-distinctive-long-value"
      let check = try #require(throws: SQLiteError.self) {
        try connection.run("INSERT INTO secret (token) VALUES (?)", [long])
      }
      #expect(check.isConstraintViolation)
      #expect(!check.description.contains(long))
      #expect(!duplicate.isBusy && !duplicate.isFull && !duplicate.isInterrupted)
    }
  }

  @Test("misuse is reported as an error: wrong argument count, several statements, closed")
  func misuse() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      try connection.execute("CREATE TABLE t (a); CREATE TABLE u (b)")
      let count = try #require(throws: SQLiteError.self) {
        try connection.run("INSERT INTO t (a) VALUES (?)", [1, 2])
      }
      #expect(count.code == 25)  // SQLITE_RANGE
      #expect(throws: SQLiteError.self) {
        try connection.run("INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2)")
      }
      // A trailing comment is not a second statement.
      try connection.run("INSERT INTO t (a) VALUES (1); -- done")
      let syntax = try #require(throws: SQLiteError.self) { try connection.query("SELEC 1") }
      #expect(syntax.code == 1)
      connection.close()
      let closed = try #require(throws: SQLiteError.self) { try connection.query("SELECT 1") }
      #expect(closed.code == 21)  // SQLITE_MISUSE
    }
  }

  @Test("the cached statement is reusable after an error and after a partial read")
  func statementReuse() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")
      let insert = "INSERT INTO t (a) VALUES (?)"
      try connection.run(insert, [1])
      #expect(throws: SQLiteError.self) { try connection.run(insert, [1]) }
      try connection.run(insert, [2])
      try connection.run(insert, [3])
      #expect(try connection.queryOne("SELECT a FROM t ORDER BY a")?.int("a") == 1)
      #expect(
        try connection.query("SELECT a FROM t ORDER BY a").compactMap { $0.int("a") } == [1, 2, 3])
    }
  }

  @Test("user_version is read from the database header")
  func userVersion() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      #expect(try connection.userVersion == 0)
      try connection.execute("PRAGMA user_version = 7")
      #expect(try connection.userVersion == 7)
    }
  }

  @Test("a read-only connection refuses writes")
  func readOnly() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/test.db"
      let writer = try Connection(path: path)
      defer { writer.close() }
      try writer.execute("CREATE TABLE t (a)")
      let reader = try Connection(path: path, readOnly: true)
      defer { reader.close() }
      #expect(try reader.query("SELECT a FROM t").isEmpty)
      let error = try #require(throws: SQLiteError.self) {
        try reader.run("INSERT INTO t (a) VALUES (?)", [1])
      }
      #expect(error.code == 8)  // SQLITE_READONLY
    }
  }

  @Test("a write lock held elsewhere past the busy timeout is reported as busy")
  func busy() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/test.db"
      let holder = try Connection(path: path)
      defer { holder.close() }
      let waiter = try Connection(path: path, busyTimeoutMilliseconds: 0)
      defer { waiter.close() }
      try holder.execute("CREATE TABLE t (a)")
      try holder.execute("BEGIN IMMEDIATE")
      let error = try #require(throws: SQLiteError.self) {
        try waiter.run("INSERT INTO t (a) VALUES (?)", [1])
      }
      #expect(error.isBusy)
      try holder.execute("COMMIT")
      try waiter.run("INSERT INTO t (a) VALUES (?)", [1])
    }
  }

  @Test("opening a missing database read-only fails with SQLite's code")
  func openFailure() async throws {
    try await withTemporaryDirectory { directory in
      let error = try #require(throws: SQLiteError.self) {
        try Connection(path: directory + "/missing.db", readOnly: true)
      }
      #expect(error.code == 14)  // SQLITE_CANTOPEN
    }
  }
}
