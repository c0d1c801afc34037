import Foundation
import SQLite
import Testing

@Suite("Schema migrator")
struct SchemaMigratorTests {
  static let jobs = SchemaMigration(
    version: 1, name: "jobs",
    sql: """
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done'))
      );
      """)
  static let jobsIndex = SchemaMigration(
    version: 2, name: "jobs_index",
    sql: "CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';")

  @Test("migrations apply once, in version order, each with a record row")
  func appliesOnce() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      let appliedAt = Date(timeIntervalSince1970: 1_800_000_000)
      // Given out of order on purpose.
      let migrator = SchemaMigrator([Self.jobsIndex, Self.jobs], now: { appliedAt })

      #expect(try migrator.migrate(connection) == [1, 2])
      #expect(try migrator.migrate(connection) == [])

      let records = try connection.query(
        "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
      #expect(records.compactMap { $0.int("version") } == [1, 2])
      #expect(records.compactMap { $0.string("name") } == ["jobs", "jobs_index"])
      #expect(records.first?.string("checksum") == Self.jobs.checksum)
      #expect(records.first?.string("applied_at") == "2027-01-15T08:00:00.000Z")
      #expect(
        try connection.queryOne("SELECT 1 FROM sqlite_schema WHERE name = 'jobs_queued'") != nil)
    }
  }

  @Test("a later migration is applied on top of earlier ones")
  func appliesNewMigrations() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      #expect(try SchemaMigrator([Self.jobs]).migrate(connection) == [1])
      #expect(try SchemaMigrator([Self.jobs, Self.jobsIndex]).migrate(connection) == [2])
    }
  }

  @Test("the checksum is the SHA-256 of the SQL and the file name is zero-padded")
  func checksumAndFileName() {
    let empty = SchemaMigration(version: 12, name: "empty", sql: "")
    #expect(empty.checksum == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(empty.fileName == "0012_empty.sql")
  }

  @Test("an applied migration whose file changed is refused before anything else runs")
  func checksumMismatch() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try SchemaMigrator([Self.jobs]).migrate(connection)

      let edited = SchemaMigration(version: 1, name: "jobs", sql: Self.jobs.sql + "\n-- edited")
      let error = try #require(throws: SchemaMigrationError.self) {
        try SchemaMigrator([edited, Self.jobsIndex]).migrate(connection)
      }
      #expect(error.code == .checksumMismatch)
      #expect(error.message.contains("0001_jobs.sql"))
      #expect(error.message.contains("changed after it was applied"))
      #expect(
        try connection.queryOne("SELECT 1 FROM sqlite_schema WHERE name = 'jobs_queued'") == nil)
    }
  }

  @Test("a database migrated by a newer binary is refused, naming both versions")
  func databaseNewerThanBinary() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      try SchemaMigrator([Self.jobs, Self.jobsIndex]).migrate(connection)

      let error = try #require(throws: SchemaMigrationError.self) {
        try SchemaMigrator([Self.jobs]).migrate(connection)
      }
      #expect(error.code == .databaseNewerThanBinary)
      #expect(error.message.contains("newer podhop"))
      #expect(error.message.contains("version 2"))
      #expect(error.message.contains("up to 1"))
    }
  }

  @Test("a failing migration is rolled back entirely and earlier ones stay applied")
  func failingMigrationRollsBack() async throws {
    try await withTemporaryDirectory { directory in
      let connection = try Connection(path: directory + "/test.db")
      defer { connection.close() }
      let broken = SchemaMigration(
        version: 2, name: "broken", sql: "CREATE TABLE half_done (a); SELEC nonsense;")
      let error = try #require(throws: SchemaMigrationError.self) {
        try SchemaMigrator([Self.jobs, broken]).migrate(connection)
      }
      #expect(error.code == .failed)
      #expect(error.message.contains("0002_broken.sql"))
      #expect(error.underlying?.code == 1)
      #expect(
        try connection.queryOne("SELECT 1 FROM sqlite_schema WHERE name = 'half_done'") == nil)
      let versions = try connection.query("SELECT version FROM schema_migrations")
      #expect(versions.compactMap { $0.int("version") } == [1])
      #expect(!connection.isInTransaction)
    }
  }
}
