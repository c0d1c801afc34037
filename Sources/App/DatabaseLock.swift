import API
import Foundation

/// An exclusive lock on `<database>.lock`, so two podhop processes never run the same queue
/// (leases are rescued at start-up on the promise that no other process holds any).
struct DatabaseLock {
  private let descriptor: Int32

  init(databasePath: String) throws {
    let path = databasePath + ".lock"
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw ConfigurationError("--database: cannot create lock file \(path): \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw ConfigurationError("--database: \(databasePath) is in use by another podhop process (\(path) is locked)")
    }
  }

  func release() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
