import API
import Core
import SQLite
import Storage

extension ServeCommand {
  /// Opens the job store and rescues the previous process's leases, turning what SQLite reports
  /// at start-up into a message that names the file and says what to do.
  static func openStore(
    path: String, maxAttempts: Int, notifying: Set<NotificationType>
  ) async throws -> (store: JobStore, orphans: Int) {
    do {
      let store = try JobStore(path: path, notifying: notifying)
      do {
        let orphans = try await store.rescueExpiredLeases(maxAttempts: maxAttempts, includingUnexpired: true)
        return (store, orphans.count)
      } catch {
        store.close()
        throw error
      }
    } catch let error as SQLiteError {
      throw startupError(error, path: path)
    }
  }

  /// The operator's reading of an SQLite error met while opening `path`.
  static func startupError(_ error: SQLiteError, path: String) -> any Error {
    if error.isBusy {
      return ConfigurationError(
        "--database: \(path) is locked by another process that is not podhop serve (a sqlite3 shell, a backup, another "
          + "program writing it); stop it and start podhop again (\(error.message))")
    }
    if error.isDamaged {
      return ConfigurationError(
        "--database: \(path) is damaged or is not a podhop database (\(error.message)); restore it from a backup, or "
          + "move it away to start with an empty queue")
    }
    if error.isFull {
      return ConfigurationError("--database: no space left on the volume holding \(path); free some and start again")
    }
    return error
  }
}
