import Core
import Foundation
import SQLite

/// The durable home of migration jobs: one SQLite file holding jobs, stage records, history and
/// idempotency keys. Every method is one transaction; timestamps come from the injected
/// `TimeSource`.
public final class JobStore: Sendable {
  let database: Database
  let time: any TimeSource
  /// Moves whenever this store commits a change to a job's history; followers of the event
  /// stream wait on it.
  public let changes = ChangeSignal()

  /// Opens (creating if needed) the database at `path` and applies the embedded schema
  /// migrations. Throws `SchemaMigrationError` when the file was changed or is newer than this binary.
  /// Only state changes of the `notifying` types are written to the notification outbox (those
  /// some subscription wants), so a podhop without subscribers writes none.
  public init(
    path: String, time: any TimeSource = SystemTimeSource(), readers: Int = 2,
    notifying: Set<NotificationType> = Set(NotificationType.allCases)
  ) throws {
    database = try Database(path: path, readers: readers)
    self.time = time
    _ = try database.writeSync { connection in try SchemaMigrator(EmbeddedMigrations.all).migrate(connection) }
    try database.writeSync { connection in try Self.configureOutbox(connection, notifying) }
  }

  /// The schema migrations compiled into this binary.
  public static var schemaMigrations: [SchemaMigration] { EmbeddedMigrations.all }

  /// Closes the database connections.
  public func close() { database.close() }

  /// The outcome of `create`.
  public enum CreateOutcome: Sendable {
    case created(MigrationJob)
    /// The same Idempotency-Key and body were seen before: the stored first response.
    case replayed(body: [UInt8], id: MigrationID)
    /// The same Idempotency-Key came with another body.
    case idempotencyMismatch
    /// The pod already has an active job.
    case podBusy(active: MigrationID)
  }

  /// An Idempotency-Key with the hash of the request body it came with.
  public struct IdempotencyKey: Sendable {
    public var principal: String
    public var key: String
    public var requestHash: String
    public var lifetime: Duration
    public init(principal: String, key: String, requestHash: String, lifetime: Duration) {
      self.principal = principal
      self.key = key
      self.requestHash = requestHash
      self.lifetime = lifetime
    }
  }

  /// Stores a new queued job, unless the key replays an earlier request or the pod is busy.
  /// `render` produces the response body stored for idempotent replays. The audit trail
  /// records `requestedBy` from `sourceAddress`; `deliveryID` names the webhook delivery;
  /// `targetReason` says why podhop chose the target node when the caller did not.
  public func create(
    _ request: NewMigration, requestedBy: String, trigger: Trigger, sourceAddress: String = "", deliveryID: String? = nil,
    targetReason: String? = nil, idempotency: IdempotencyKey? = nil, render: @escaping @Sendable (MigrationJob) throws -> [UInt8]
  ) async throws -> CreateOutcome {
    let now = Microseconds.from(time.now())
    return try await writeNotifying { db in
      if let idempotency {
        if let seen = try db.queryOne(
          "SELECT request_hash, migration_id, response_body FROM idempotency_keys WHERE principal = ? AND key = ? AND expires_at > ?",
          [idempotency.principal, idempotency.key, now])
        {
          guard seen.string("request_hash") == idempotency.requestHash else { return .idempotencyMismatch }
          return .replayed(body: seen.blob("response_body") ?? [], id: MigrationID(seen.string("migration_id")!)!)
        }
      }
      let id: MigrationID
      switch try Self.insertJob(
        db, request, now, requestedBy: requestedBy, trigger: trigger, sourceAddress: sourceAddress, deliveryID: deliveryID,
        targetReason: targetReason)
      {
      case .inserted(let inserted): id = inserted
      case .podBusy(let active): return .podBusy(active: active)
      }
      let job = try Self.loadJob(db, id)!
      if let idempotency {
        try db.run(
          """
          INSERT OR REPLACE INTO idempotency_keys (principal, key, request_hash, migration_id, response_body, created_at, expires_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
          [
            idempotency.principal, idempotency.key, idempotency.requestHash, id.rawValue, try render(job), now,
            now + Microseconds.from(idempotency.lifetime),
          ])
      }
      return .created(job)
    }
  }

  /// The job with `id`, or nil.
  public func job(_ id: MigrationID) async throws -> MigrationJob? {
    try await database.read { db in try Self.loadJob(db, id) }
  }

  /// What earlier stages of the job left for later ones.
  public func artifacts(_ id: MigrationID) async throws -> StageArtifacts {
    try await database.read { db in try Self.loadArtifacts(db, id) }
  }

  /// The job's history in order, or nil when there is no such job.
  public func events(_ id: MigrationID) async throws -> [MigrationEvent]? {
    try await database.read { db in try Self.loadEvents(db, id) }
  }

  static func loadEvents(_ db: Connection, _ id: MigrationID) throws -> [MigrationEvent]? {
    guard try db.queryOne("SELECT 1 AS found FROM migrations WHERE id = ?", [id.rawValue]) != nil else { return nil }
    return try db.query(
      "SELECT seq, time, type, stage, attempt, message, data FROM migration_events WHERE migration_id = ? ORDER BY seq",
      [id.rawValue]
    ).map(Self.decodeEvent)
  }

  /// Counts of jobs per state and the age of the oldest queued job.
  public func stats() async throws -> QueueStats {
    let now = time.now()
    return try await database.read { db in
      var byState: [JobState: Int] = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
      for row in try db.query("SELECT state, count(*) AS n FROM migrations GROUP BY state") {
        if let state = row.string("state").flatMap(JobState.init(rawValue:)) { byState[state] = row.int("n") ?? 0 }
      }
      let oldest = try db.queryOne("SELECT min(created_at) AS oldest FROM migrations WHERE state = 'queued'")?.int64("oldest")
      let age = oldest.map { max(0, now.timeIntervalSince(Microseconds.date($0))) } ?? 0
      return QueueStats(jobsByState: byState, oldestQueuedAgeSeconds: age)
    }
  }

  /// Whether the database answers a trivial query (for readiness).
  public func ping() async -> Bool {
    (try? await database.read { db in try db.queryOne("SELECT 1 AS ok") != nil }) ?? false
  }
}
