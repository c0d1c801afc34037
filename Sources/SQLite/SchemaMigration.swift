import Crypto

/// One numbered schema change, e.g. from `migrations/0001_jobs.sql`.
///
/// The SQL may hold several statements. It runs inside a transaction that the migrator opens,
/// so it must not contain `BEGIN`/`COMMIT` itself, and `PRAGMA foreign_keys` has no effect in it.
public struct SchemaMigration: Sendable {
  /// The migration's number; migrations apply in increasing order, each once.
  public let version: Int
  /// The descriptive part of the file name, e.g. `jobs` for `0001_jobs.sql`.
  public let name: String
  /// The SQL to run.
  public let sql: String

  /// Creates a migration; `version` must be positive.
  public init(version: Int, name: String, sql: String) {
    // Versions come from file names checked in with the code; a bad one is a programmer error.
    precondition(version > 0, "migration versions start at 1")
    self.version = version
    self.name = name
    self.sql = sql
  }

  /// The file the migration came from, e.g. `0001_jobs.sql`.
  public var fileName: String {
    let digits = String(version)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_\(name).sql"
  }

  /// The lowercase hex SHA-256 of the SQL's UTF-8 bytes, recorded when the migration is applied.
  public var checksum: String {
    SHA256.hexDigest(Array(sql.utf8))
  }
}
