import Synchronization

/// Read-only connections lent to threads that may block (libmicrohttpd's), so a short read runs
/// where it was asked for instead of hopping to a queue and back.
///
/// A connection is used by one borrower at a time; idle ones are kept up to `maxIdle`.
final class ReaderPool: Sendable {
  private let path: String
  private let maxIdle: Int
  // Connections in the pool are idle: no thread uses them until `borrow` hands one out.
  private let idle = Mutex<[Connection]>([])

  init(path: String, maxIdle: Int) {
    self.path = path
    self.maxIdle = maxIdle
  }

  /// Runs `body` with an idle connection (opening one if none is idle) on the calling thread.
  func borrow<T>(_ body: (Connection) throws -> T) throws -> T {
    let connection = try idle.withLock { $0.popLast() } ?? Connection(path: path, readOnly: true)
    defer {
      let kept = idle.withLock { pool -> Bool in
        guard pool.count < maxIdle else { return false }
        pool.append(connection)
        return true
      }
      if !kept { connection.close() }
    }
    return try body(connection)
  }

  func close() {
    for connection in idle.withLock({ pool in
      defer { pool = [] }; return pool
    }) { connection.close() }
  }
}
