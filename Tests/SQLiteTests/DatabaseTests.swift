import SQLite
import Testing

@Suite("Database")
struct DatabaseTests {
  /// Counts to a billion: minutes of work, so only an interrupt ends it within the time limit.
  static let endlessQuery = """
    WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 1000000000)
    SELECT count(*) AS n FROM counter
    """

  @Test("writes from concurrent tasks all land", .timeLimit(.minutes(1)))
  func concurrentWrites() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db", readers: 2)
      defer { database.close() }
      try database.writeSync { try $0.execute("CREATE TABLE t (task INTEGER, n INTEGER)") }

      try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<8 {
          group.addTask {
            for n in 0..<25 {
              try await database.write { db in
                try db.run("INSERT INTO t (task, n) VALUES (?, ?)", [task, n])
              }
              // Interleave reads, which run on the reader connections.
              _ = try await database.read { db in try db.queryOne("SELECT count(*) AS c FROM t") }
            }
          }
        }
        try await group.waitForAll()
      }

      let total = try await database.read { db in
        try db.queryOne("SELECT count(*) AS c, count(DISTINCT task) AS tasks FROM t")
      }
      #expect(total?.int("c") == 200)
      #expect(total?.int("tasks") == 8)
    }
  }

  @Test("readers are read-only and see committed writes")
  func readers() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db")
      defer { database.close() }
      try await database.write { db in
        try db.execute("CREATE TABLE t (a)")
        try db.run("INSERT INTO t (a) VALUES (?)", ["x"])
      }
      #expect(try await database.read { try $0.queryOne("SELECT a FROM t")?.string("a") } == "x")
      #expect(try database.readSync { try $0.query("SELECT a FROM t").count } == 1)
      let error = try await #require(throws: SQLiteError.self) {
        try await database.read { try $0.run("INSERT INTO t (a) VALUES (?)", ["y"]) }
      }
      #expect(error.code == 8)  // SQLITE_READONLY
    }
  }

  @Test("a write that throws is rolled back")
  func writeRollsBack() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db", readers: 0)
      defer { database.close() }
      try database.writeSync { try $0.execute("CREATE TABLE t (a)") }
      await #expect(throws: ExpectedFailure.self) {
        try await database.write { db in
          try db.run("INSERT INTO t (a) VALUES (?)", [1])
          throw ExpectedFailure()
        }
      }
      #expect(try await database.read { try $0.query("SELECT a FROM t").count } == 0)
    }
  }

  @Test("cancelling a read interrupts its running query", .timeLimit(.minutes(1)))
  func cancelledReadIsInterrupted() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db", readers: 1)
      defer { database.close() }
      let (started, signalStarted) = AsyncStream.makeStream(of: Void.self)
      let query = Task {
        try await database.read { db in
          signalStarted.yield()
          return try db.queryOne(Self.endlessQuery)?.int("n")
        }
      }
      var events = started.makeAsyncIterator()
      _ = await events.next()
      let clock = ContinuousClock()
      let cancelledAt = clock.now
      query.cancel()
      let error = try await #require(throws: SQLiteError.self) { try await query.value }
      #expect(error.isInterrupted)
      #expect(clock.now - cancelledAt < .seconds(30))  // uncancelled, the count runs for minutes

      // The interrupt does not leak into the next work on the same connection.
      #expect(try await database.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
    }
  }

  @Test("cancelling a write interrupts it and rolls it back", .timeLimit(.minutes(1)))
  func cancelledWriteIsRolledBack() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db", readers: 1)
      defer { database.close() }
      try database.writeSync { try $0.execute("CREATE TABLE t (a)") }
      let (started, signalStarted) = AsyncStream.makeStream(of: Void.self)
      let write = Task {
        try await database.write { db in
          try db.run("INSERT INTO t (a) VALUES (?)", [1])
          signalStarted.yield()
          try db.run("INSERT INTO t (a) " + Self.endlessQuery)
        }
      }
      var events = started.makeAsyncIterator()
      _ = await events.next()
      write.cancel()
      let error = try await #require(throws: SQLiteError.self) { try await write.value }
      #expect(error.isInterrupted)
      #expect(try await database.read { try $0.query("SELECT a FROM t").count } == 0)
      try await database.write { try $0.run("INSERT INTO t (a) VALUES (?)", [2]) }
      #expect(try await database.read { try $0.query("SELECT a FROM t").count } == 1)
    }
  }

  @Test("work cancelled before it starts never runs")
  func cancelledBeforeStart() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db", readers: 1)
      defer { database.close() }
      try database.writeSync { try $0.execute("CREATE TABLE t (a)") }
      let write = Task {
        // Cancellation is checked when the work reaches the front of the queue; make sure the
        // task is cancelled before it even submits the work.
        withUnsafeCurrentTask { $0?.cancel() }
        return try await database.write { db in
          try db.run("INSERT INTO t (a) VALUES (?)", [1])
        }
      }
      await #expect(throws: CancellationError.self) { try await write.value }
      #expect(try await database.read { try $0.query("SELECT a FROM t").count } == 0)
    }
  }

  @Test("a closed database refuses work")
  func closed() async throws {
    try await withTemporaryDirectory { directory in
      let database = try Database(path: directory + "/test.db")
      database.close()
      let error = try await #require(throws: SQLiteError.self) {
        try await database.write { try $0.execute("CREATE TABLE t (a)") }
      }
      #expect(error.code == 21)  // SQLITE_MISUSE
    }
  }
}
