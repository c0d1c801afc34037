import Dispatch
import Synchronization

/// Serializes database work onto dedicated threads so blocking sqlite3 calls never run on
/// Swift's cooperative pool.
///
/// One read-write connection runs on its own serial `DispatchQueue`; `readers` read-only
/// connections each run on theirs. In WAL mode readers see the last committed state and never
/// wait for the writer. Reads are spread round-robin over the readers.
///
/// ```swift
/// let database = try Database(path: "/var/lib/podhop/podhop.db")
/// let id = try await database.write { db in
///   try db.queryOne("INSERT INTO jobs(kind) VALUES (?) RETURNING id", ["copy"])?.int64("id")
/// }
/// ```
///
/// Cancelling the task that awaits ``write(_:)`` or ``read(_:)`` interrupts the SQL of that
/// work item (and only that one): it fails with ``SQLiteError/isInterrupted``, or with
/// `CancellationError` if it had not started yet. A cancelled write is rolled back.
public final class Database: Sendable {
  private let writer: Lane
  private let readers: [Lane]
  private let nextReader = Atomic<Int>(0)
  private let readerPool: ReaderPool

  /// Opens the database file at `path` (creating it if needed) with one writer and `readers`
  /// read-only connections; with `readers == 0` reads run on the writer.
  ///
  /// `path` must name a file: every connection opens it separately, so `:memory:` would give
  /// each connection its own empty database.
  public init(path: String, readers: Int = 2) throws(SQLiteError) {
    // A negative reader count is a programmer error, not a runtime condition.
    precondition(readers >= 0, "Database needs a reader count of zero or more")
    // The writer opens first: it creates the file and switches it to WAL, which the read-only
    // connections cannot do.
    writer = Lane(connection: try Connection(path: path), label: "podhop.sqlite.writer")
    var lanes: [Lane] = []
    for index in 0..<readers {
      let connection = try Connection(path: path, readOnly: true)
      lanes.append(Lane(connection: connection, label: "podhop.sqlite.reader.\(index)"))
    }
    self.readers = lanes
    readerPool = ReaderPool(path: path, maxIdle: 16)
  }

  /// Runs `body` in a write transaction (``Connection/transaction(_:)``) on the writer's queue.
  ///
  /// If `body` throws, the transaction is rolled back and the error is rethrown.
  public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
    async throws -> T
  {
    try await writer.perform { connection in
      try connection.transaction { try body(connection) }
    }
  }

  /// Runs `body` on a reader's queue, inside a deferred transaction so that all of its queries
  /// see the same snapshot of the database.
  public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
    async throws -> T
  {
    try await nextReaderLane().perform { connection in
      try connection.readTransaction { try body(connection) }
    }
  }

  /// Like ``write(_:)``, blocking the calling thread; for start-up (migrations) and for callers
  /// already on a thread of their own. Must not be called from inside another `write`/`read`.
  public func writeSync<T>(_ body: (Connection) throws -> T) throws -> T {
    try writer.performSync { connection in
      try connection.transaction { try body(connection) }
    }
  }

  /// Like ``read(_:)``, blocking the calling thread. Must not be called from inside another
  /// `write`/`read`.
  public func readSync<T>(_ body: (Connection) throws -> T) throws -> T {
    try nextReaderLane().performSync { connection in
      try connection.readTransaction { try body(connection) }
    }
  }

  /// Runs `body` in a read transaction on the calling thread, with a pooled read-only
  /// connection. For threads that may block and want no hop (libmicrohttpd's); never call it
  /// from Swift's cooperative pool.
  public func readHere<T>(_ body: (Connection) throws -> T) throws -> T {
    try readerPool.borrow { connection in try connection.readTransaction { try body(connection) } }
  }

  /// Closes every connection after the work already queued on it; later calls throw
  /// `SQLITE_MISUSE`.
  public func close() {
    readerPool.close()
    for lane in readers + [writer] {
      lane.performSync { $0.close() }
    }
  }

  private func nextReaderLane() -> Lane {
    guard !readers.isEmpty else { return writer }
    let ticket = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
    // `ticket` may be negative after wrapping around; keep the index in range.
    return readers[((ticket % readers.count) + readers.count) % readers.count]
  }
}

/// One connection and the serial queue that is the only place it is used.
private final class Lane: Sendable {
  let connection: Connection
  let queue: DispatchQueue

  init(connection: Connection, label: String) {
    self.connection = connection
    self.queue = DispatchQueue(label: label)
  }

  func perform<T: Sendable>(_ work: @escaping @Sendable (Connection) throws -> T) async throws -> T {
    let item = WorkItem()
    let connection = connection
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<T, any Error>) in
        queue.async {
          guard item.start() else {
            continuation.resume(throwing: CancellationError())
            return
          }
          let result = Result { try work(connection) }
          item.finish(connection)
          continuation.resume(with: result)
        }
      }
    } onCancel: {
      item.cancel(connection)
    }
  }

  func performSync<T>(_ work: (Connection) throws -> T) rethrows -> T {
    // queue.sync from the queue itself would deadlock; that is a programmer error.
    dispatchPrecondition(condition: .notOnQueue(queue))
    return try queue.sync { try work(connection) }
  }
}

/// The life of one queued piece of work, so that cancellation interrupts the connection only
/// while this work, and not the work queued before or after it, is running.
private final class WorkItem: Sendable {
  private enum State {
    case queued, running, finished, cancelledBeforeStart
  }

  private let state = Mutex(State.queued)

  /// Marks the work as running; `false` if it was cancelled while queued.
  func start() -> Bool {
    state.withLock { state in
      guard state == .queued else { return false }
      state = .running
      return true
    }
  }

  /// Marks the work as done and clears any cancellation it left on the connection. Under the
  /// same lock as `cancel`, so a late cancellation cannot reach the next work item.
  func finish(_ connection: Connection) {
    state.withLock { state in
      state = .finished
      connection.cancellation.set(false)
    }
  }

  /// Cancels queued work, or interrupts the connection if this work is running.
  func cancel(_ connection: Connection) {
    state.withLock { state in
      switch state {
      case .queued:
        state = .cancelledBeforeStart
      case .running:
        // The flag stops statements that start after this point (sqlite3_interrupt only
        // affects running ones) via the progress handler and the pre-statement check.
        connection.cancellation.set(true)
        connection.interrupt()
      case .finished, .cancelledBeforeStart:
        break
      }
    }
  }
}
