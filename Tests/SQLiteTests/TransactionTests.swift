import SQLite
import Testing

@Suite("Transactions")
struct TransactionTests {
  private func count(_ connection: Connection) throws -> Int? {
    try connection.queryOne("SELECT count(*) AS n FROM t")?.int("n")
  }

  @Test("a transaction commits when its body returns")
  func commits() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute("CREATE TABLE t (a)")
      let value = try connection.transaction {
        try connection.run("INSERT INTO t (a) VALUES (?)", [1])
        #expect(connection.isInTransaction)
        return "done"
      }
      #expect(value == "done")
      #expect(!connection.isInTransaction)
      #expect(try count(connection) == 1)
    }
  }

  @Test("a transaction rolls back when its body throws, and the error comes through")
  func rollsBackOnThrow() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute("CREATE TABLE t (a)")
      #expect(throws: ExpectedFailure.self) {
        try connection.transaction {
          try connection.run("INSERT INTO t (a) VALUES (?)", [1])
          throw ExpectedFailure()
        }
      }
      #expect(!connection.isInTransaction)
      #expect(try count(connection) == 0)
    }
  }

  @Test("a nested transaction is a savepoint: its failure undoes only its own changes")
  func nestedSavepoint() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute("CREATE TABLE t (a)")
      try connection.transaction {
        try connection.run("INSERT INTO t (a) VALUES (?)", ["outer-before"])
        #expect(throws: ExpectedFailure.self) {
          try connection.transaction {
            try connection.run("INSERT INTO t (a) VALUES (?)", ["inner-failed"])
            throw ExpectedFailure()
          }
        }
        try connection.transaction {
          try connection.run("INSERT INTO t (a) VALUES (?)", ["inner-kept"])
          try connection.transaction {
            try connection.run("INSERT INTO t (a) VALUES (?)", ["innermost"])
          }
        }
        try connection.run("INSERT INTO t (a) VALUES (?)", ["outer-after"])
      }
      let values = try connection.query("SELECT a FROM t ORDER BY rowid").compactMap {
        $0.string("a")
      }
      #expect(values == ["outer-before", "inner-kept", "innermost", "outer-after"])
    }
  }

  @Test("a failing outer transaction also undoes its committed savepoints")
  func outerFailureUndoesInner() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try connection.execute("CREATE TABLE t (a)")
      #expect(throws: ExpectedFailure.self) {
        try connection.transaction {
          try connection.transaction {
            try connection.run("INSERT INTO t (a) VALUES (?)", [1])
          }
          throw ExpectedFailure()
        }
      }
      #expect(try count(connection) == 0)
    }
  }
}
