/// Why ``SchemaMigrator/migrate(_:)`` refused or failed to bring a database up to date.
public struct SchemaMigrationError: Error, CustomStringConvertible, Sendable {
  /// The kind of failure.
  public enum Code: Sendable, Equatable {
    /// An applied migration's SQL differs from the one in this binary: its file was edited after
    /// it ran. Nothing was changed.
    case checksumMismatch
    /// The database records a migration newer than any this binary has: a newer podhop wrote
    /// it. Nothing was changed.
    case databaseNewerThanBinary
    /// Reading the migration records or applying a migration failed; the failing migration was
    /// rolled back, and those before it stay applied.
    case failed
  }

  /// The kind of failure.
  public let code: Code
  /// What happened and what to do about it, naming the migration file and versions involved.
  public let message: String
  /// The SQLite error behind a `.failed` migration, if any.
  public let underlying: SQLiteError?

  /// Creates an error.
  public init(code: Code, message: String, underlying: SQLiteError? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  /// The message.
  public var description: String { message }
}
