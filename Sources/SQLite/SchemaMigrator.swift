#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Applies numbered schema migrations to a database once each, in version order, and refuses
/// databases whose history does not match the binary.
///
/// Applied migrations are recorded in
/// `schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
/// applied_at TEXT NOT NULL)`, where `checksum` is the SHA-256 (hex) of the migration's SQL and
/// `applied_at` an ISO 8601 UTC timestamp.
public struct SchemaMigrator: Sendable {
  /// The migrations, sorted by version.
  public let migrations: [SchemaMigration]
  private let now: @Sendable () -> Date

  /// Creates a migrator for `migrations` (in any order; versions must be unique).
  ///
  /// `now` supplies the `applied_at` timestamps; tests can pass a fixed clock.
  public init(_ migrations: [SchemaMigration], now: @escaping @Sendable () -> Date = { Date() }) {
    let sorted = migrations.sorted { $0.version < $1.version }
    // Two files with one number is a mistake in the source tree, not a runtime condition.
    for (previous, next) in zip(sorted, sorted.dropFirst()) {
      precondition(
        previous.version != next.version,
        "migrations \(previous.fileName) and \(next.fileName) share version \(next.version)")
    }
    self.migrations = sorted
    self.now = now
  }

  /// Applies every not-yet-applied migration in version order, each in its own transaction
  /// together with its record row, and returns the versions applied now (empty when up to date).
  ///
  /// Before changing anything, throws ``SchemaMigrationError/Code-swift.enum/checksumMismatch``
  /// when an applied migration's checksum differs from the embedded one, and
  /// ``SchemaMigrationError/Code-swift.enum/databaseNewerThanBinary`` when the database records
  /// a version newer than any in the binary. A migration that fails is rolled back and reported
  /// as ``SchemaMigrationError/Code-swift.enum/failed``; the ones before it stay applied.
  /// Must not be called inside a transaction.
  @discardableResult
  public func migrate(_ connection: Connection) throws(SchemaMigrationError) -> [Int] {
    let applied = try readRecords(connection)
    try check(applied)
    var appliedNow: [Int] = []
    for migration in migrations where applied[migration.version] == nil {
      if try apply(migration, to: connection) {
        appliedNow.append(migration.version)
      }
    }
    return appliedNow
  }

  private struct Record {
    let name: String
    let checksum: String
  }

  private func readRecords(_ connection: Connection) throws(SchemaMigrationError) -> [Int: Record] {
    do {
      let table = try connection.queryOne(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
      guard table != nil else { return [:] }
      var records: [Int: Record] = [:]
      for row in try connection.query("SELECT version, name, checksum FROM schema_migrations") {
        guard let version = row.int("version") else { continue }
        records[version] = Record(
          name: row.string("name") ?? "", checksum: row.string("checksum") ?? "")
      }
      return records
    } catch {
      throw SchemaMigrationError(
        code: .failed, message: "could not read the applied schema migrations: \(error)",
        underlying: error)
    }
  }

  private func check(_ applied: [Int: Record]) throws(SchemaMigrationError) {
    let newestKnown = migrations.last?.version ?? 0
    if let newestApplied = applied.keys.max(), newestApplied > newestKnown {
      throw SchemaMigrationError(
        code: .databaseNewerThanBinary,
        message: "the database was written by a newer podhop: it records schema version "
          + "\(newestApplied), but this binary knows versions up to \(newestKnown); "
          + "run a podhop release that includes migration \(newestApplied)")
    }
    for migration in migrations {
      guard let record = applied[migration.version] else { continue }
      let checksum = migration.checksum
      if record.checksum != checksum {
        throw SchemaMigrationError(
          code: .checksumMismatch,
          message: "migration \(migration.fileName) was changed after it was applied "
            + "(recorded checksum \(record.checksum), file checksum \(checksum)); restore the "
            + "file as it was and put the change in a new migration")
      }
    }
  }

  /// Applies one migration with its record; `false` if another process applied it meanwhile.
  private func apply(_ migration: SchemaMigration, to connection: Connection)
    throws(SchemaMigrationError) -> Bool
  {
    let appliedAt = now().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    do {
      return try connection.transaction { () throws(SQLiteError) -> Bool in
        try connection.execute(
          """
          CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
          )
          """)
        // BEGIN IMMEDIATE holds the write lock, so this re-check cannot race another migrator.
        let recorded = try connection.queryOne(
          "SELECT 1 FROM schema_migrations WHERE version = ?", [migration.version])
        guard recorded == nil else { return false }
        try connection.execute(migration.sql)
        try connection.run(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
          [migration.version, migration.name, migration.checksum, appliedAt])
        return true
      }
    } catch {
      throw SchemaMigrationError(
        code: .failed,
        message: "migration \(migration.fileName) failed and was rolled back: \(error)",
        underlying: error as? SQLiteError)
    }
  }
}
