import Core
import Foundation
import SQLite

/// The queue's side of the store: leases, attempts, stage completion, failures and rescue.
/// Every call that changes a leased job names the lease owner and does nothing (returns nil or
/// `.lost`) when the lease is no longer theirs.
extension JobStore {
  /// What a heartbeat found.
  public enum Heartbeat: Sendable, Equatable {
    case held(cancelRequested: Bool)
    case lost
  }

  /// Leases the oldest eligible queued job and starts an attempt at its current stage.
  /// `nodeLimit` caps running jobs that touch the same node (source or target).
  public func lease(owner: String, duration: Duration, nodeLimit: Int?) async throws -> MigrationJob? {
    let now = Microseconds.from(time.now())
    let until = now + Microseconds.from(duration)
    return try await writeNotifying { db in
      guard
        let id = try db.queryOne(
          """
          UPDATE migrations SET state = 'running', lease_owner = ?1, lease_until = ?2, updated_at = ?3,
            started_at = coalesce(started_at, ?3)
          WHERE id = (
            SELECT m.id FROM migrations m
            WHERE m.state = 'queued' AND m.run_at <= ?3
              AND (?4 IS NULL OR (
                SELECT count(*) FROM migrations r WHERE r.state = 'running'
                  AND (r.target_node IN (m.target_node, m.source_node) OR r.source_node IN (m.target_node, m.source_node))
              ) < ?4)
            ORDER BY m.run_at, m.created_at LIMIT 1)
          RETURNING id
          """, [owner, until, now, nodeLimit])?.string("id").flatMap(MigrationID.init)
      else { return nil }
      try Self.beginAttempt(db, id, now, owner: owner)
      return try Self.loadJob(db, id)
    }
  }

  /// Extends the lease and reports whether a cancel was requested.
  public func heartbeat(_ id: MigrationID, owner: String, duration: Duration) async throws -> Heartbeat {
    let now = Microseconds.from(time.now())
    return try await database.write { db in
      guard
        let row = try db.queryOne(
          "UPDATE migrations SET lease_until = ? WHERE id = ? AND state = 'running' AND lease_owner = ? RETURNING cancel_requested",
          [now + Microseconds.from(duration), id.rawValue, owner])
      else { return .lost }
      return .held(cancelRequested: row.bool("cancel_requested") ?? false)
    }
  }

  /// Records the current stage as done with its output, then starts the next stage's first
  /// attempt, or marks the job succeeded after the last stage.
  /// Renews the lease for `leaseDuration`: the next stage's first heartbeat is an interval away.
  public func completeStage(_ id: MigrationID, owner: String, output: StageOutput, leaseDuration: Duration) async throws
    -> MigrationJob?
  {
    let now = Microseconds.from(time.now())
    let until = now + Microseconds.from(leaseDuration)
    return try await writeNotifying { db in
      guard let job = try Self.leasedJob(db, id, owner) else { return nil }
      try db.run("UPDATE migrations SET lease_until = ? WHERE id = ?", [until, id.rawValue])
      try Self.finishStage(db, job, now, state: .succeeded)
      try Self.merge(db, id, output)
      try Self.appendEvent(db, id, now, .stageSucceeded, stage: job.stage, attempt: job.attempt, "stage succeeded")
      let cancelRequested =
        try db.queryOne("SELECT cancel_requested FROM migrations WHERE id = ?", [id.rawValue])?.bool("cancel_requested") ?? false
      if let next = job.stage.next {
        try db.run(
          "UPDATE migrations SET stage = ?, attempt = 0, updated_at = ? WHERE id = ?", [next.rawValue, now, id.rawValue])
        if cancelRequested {
          // The user asked to cancel while this stage ran: stop before starting the next one.
          try Self.cancelNow(db, try Self.loadJob(db, id)!, now)
        } else {
          try Self.beginAttempt(db, id, now, owner: owner)
        }
      } else {
        try db.run(
          """
          UPDATE migrations SET state = 'succeeded', finished_at = ?1, updated_at = ?1, lease_owner = NULL,
            lease_until = NULL, error_stage = NULL, error_message = NULL, error_retryable = NULL WHERE id = ?2
          """, [now, id.rawValue])
        try Self.appendEvent(db, id, now, .succeeded, stage: job.stage, attempt: job.attempt, "migration succeeded")
      }
      return try Self.loadJob(db, id)
    }
  }

  /// Records a failed attempt. With `retryAt`, the job waits in `queued` until then; without,
  /// the stage and the job fail for good.
  public func recordFailure(
    _ id: MigrationID, owner: String, message: String, retryable: Bool, retryAt: Date?, output: StageOutput = .none
  ) async throws -> MigrationJob? {
    let now = Microseconds.from(time.now())
    return try await writeNotifying { db in
      guard let job = try Self.leasedJob(db, id, owner) else { return nil }
      try Self.merge(db, id, output)
      try Self.appendEvent(
        db, id, now, .attemptFailed, stage: job.stage, attempt: job.attempt, message, ["retryable": String(retryable)])
      if let retryAt {
        let runAt = Microseconds.from(retryAt)
        try db.run(
          """
          UPDATE migrations SET state = 'queued', run_at = ?1, lease_owner = NULL, lease_until = NULL, updated_at = ?2,
            error_stage = ?3, error_message = ?4, error_retryable = 1 WHERE id = ?5
          """, [runAt, now, job.stage.rawValue, message, id.rawValue])
        try Self.setStageState(db, job, .pending)
        try Self.appendEvent(
          db, id, now, .retryScheduled, stage: job.stage, attempt: job.attempt, "retry scheduled",
          ["runAt": ISO8601DateFormatter().string(from: retryAt)])
      } else {
        try Self.finishStage(db, job, now, state: .failed)
        try db.run(
          """
          UPDATE migrations SET state = 'failed', finished_at = ?1, updated_at = ?1, lease_owner = NULL, lease_until = NULL,
            error_stage = ?2, error_message = ?3, error_retryable = ?4 WHERE id = ?5
          """, [now, job.stage.rawValue, message, retryable, id.rawValue])
        try Self.appendEvent(db, id, now, .stageFailed, stage: job.stage, attempt: job.attempt, message)
        try Self.appendEvent(db, id, now, .failed, stage: job.stage, attempt: job.attempt, "migration failed")
      }
      return try Self.loadJob(db, id)
    }
  }

  /// Marks a running job canceled after its stage stopped for a user's cancel.
  public func markCanceled(_ id: MigrationID, owner: String) async throws -> MigrationJob? {
    let now = Microseconds.from(time.now())
    return try await writeNotifying { db in
      guard let job = try Self.leasedJob(db, id, owner) else { return nil }
      try Self.cancelNow(db, job, now)
      return try Self.loadJob(db, id)
    }
  }

  /// Gives a leased job back to the queue without spending its attempt (graceful shutdown).
  public func handBack(_ id: MigrationID, owner: String) async throws {
    let now = Microseconds.from(time.now())
    try await writeNotifying { db in
      guard let job = try Self.leasedJob(db, id, owner) else { return }
      try db.run(
        """
        UPDATE migrations SET state = 'queued', run_at = ?1, updated_at = ?1, lease_owner = NULL, lease_until = NULL,
          attempt = max(attempt - 1, 0) WHERE id = ?2
        """, [now, id.rawValue])
      try db.run(
        "UPDATE migration_stages SET state = 'pending', attempts = max(attempts - 1, 0) WHERE migration_id = ? AND name = ?",
        [id.rawValue, job.stage.rawValue])
      try Self.appendEvent(
        db, id, now, .leaseReturned, stage: job.stage, attempt: job.attempt,
        "attempt interrupted by shutdown; job returned to the queue without spending the attempt")
    }
  }

  /// Returns jobs whose lease expired (their worker died) to the queue, or fails them when the
  /// stage has used `maxAttempts`. Returns the ids it touched. `includingUnexpired` rescues
  /// every lease: for start-up, when no other process can hold one.
  public func rescueExpiredLeases(maxAttempts: Int, includingUnexpired: Bool = false) async throws -> [MigrationID] {
    let now = Microseconds.from(time.now())
    let cutoff = includingUnexpired ? Int64.max : now
    return try await writeNotifying { db in
      let expired = try db.query(
        "SELECT id FROM migrations WHERE state = 'running' AND lease_until < ?", [cutoff]
      ).compactMap { $0.string("id").flatMap(MigrationID.init) }
      for id in expired {
        guard let job = try Self.loadJob(db, id) else { continue }
        let message = "lease expired while the stage ran (the worker stopped or lost the database)"
        try Self.appendEvent(db, id, now, .leaseExpired, stage: job.stage, attempt: job.attempt, message)
        if job.attempt >= maxAttempts {
          try Self.finishStage(db, job, now, state: .failed)
          try db.run(
            """
            UPDATE migrations SET state = 'failed', finished_at = ?1, updated_at = ?1, lease_owner = NULL, lease_until = NULL,
              error_stage = ?2, error_message = ?3, error_retryable = 1 WHERE id = ?4
            """, [now, job.stage.rawValue, message, id.rawValue])
          try Self.appendEvent(db, id, now, .failed, stage: job.stage, attempt: job.attempt, "migration failed")
        } else {
          try db.run(
            "UPDATE migrations SET state = 'queued', run_at = ?1, updated_at = ?1, lease_owner = NULL, lease_until = NULL WHERE id = ?2",
            [now, id.rawValue])
          try Self.setStageState(db, job, .pending)
        }
      }
      return expired
    }
  }

  // MARK: - Transitions shared by the calls above

  /// The job, if it is running under `owner`'s lease (one query for the row, one for stages).
  static func leasedJob(_ db: Connection, _ id: MigrationID, _ owner: String) throws -> MigrationJob? {
    guard
      let row = try db.queryOne(
        "SELECT * FROM migrations WHERE id = ? AND state = 'running' AND lease_owner = ?", [id.rawValue, owner])
    else { return nil }
    return try decodeJob(row, stages: loadStages(db, id))
  }

  static func beginAttempt(_ db: Connection, _ id: MigrationID, _ now: Int64, owner: String) throws {
    guard
      let row = try db.queryOne(
        "UPDATE migrations SET attempt = attempt + 1, updated_at = ? WHERE id = ? RETURNING stage, attempt", [now, id.rawValue]),
      let stage = row.string("stage").flatMap(Stage.init(rawValue:)), let attempt = row.int("attempt")
    else { throw StorageError.corruptRow("migrations") }
    try clearProgress(db, id)
    let first =
      try db.queryOne(
        """
        UPDATE migration_stages SET state = 'running', attempts = attempts + 1, started_at = coalesce(started_at, ?)
        WHERE migration_id = ? AND name = ? RETURNING attempts
        """, [now, id.rawValue, stage.rawValue])?.int("attempts") == 1
    if first { try appendEvent(db, id, now, .stageStarted, stage: stage, attempt: attempt, "stage started") }
    try appendEvent(db, id, now, .attemptStarted, stage: stage, attempt: attempt, "attempt started", ["worker": owner])
  }

  static func finishStage(_ db: Connection, _ job: MigrationJob, _ now: Int64, state: StageState) throws {
    try db.run(
      """
      UPDATE migration_stages SET state = ?1, finished_at = ?2,
        duration_seconds = CASE WHEN started_at IS NULL THEN NULL ELSE (?2 - started_at) / 1000000.0 END
      WHERE migration_id = ?3 AND name = ?4
      """, [state.rawValue, now, job.id.rawValue, job.stage.rawValue])
  }

  static func setStageState(_ db: Connection, _ job: MigrationJob, _ state: StageState) throws {
    try db.run(
      "UPDATE migration_stages SET state = ? WHERE migration_id = ? AND name = ?",
      [state.rawValue, job.id.rawValue, job.stage.rawValue])
  }

  static func merge(_ db: Connection, _ id: MigrationID, _ output: StageOutput) throws {
    func set(_ column: String, _ value: (any SQLBindable)?) throws {
      guard let value else { return }
      try db.run("UPDATE migrations SET \(column) = ? WHERE id = ?", [value, id.rawValue])
    }
    try set("source_node", output.sourceNode)
    try set("source_container", output.container)
    try set("preflight_json", try output.preflight.map(encodePreflight))
    if let c = output.checkpoint {
      try db.run(
        "UPDATE migrations SET checkpoint_archive = ?, checkpoint_size_bytes = ? WHERE id = ?",
        [c.archive, c.sizeBytes, id.rawValue])
    }
    if let i = output.image {
      try db.run(
        "UPDATE migrations SET image_repository = ?, image_reference = ?, image_digest = ? WHERE id = ?",
        [i.repository, i.reference, i.digest, id.rawValue])
    }
    if let p = output.restoredPod {
      try db.run(
        "UPDATE migrations SET restored_namespace = ?, restored_name = ?, restored_node = ?, restored_uid = ? WHERE id = ?",
        [p.namespace, p.name, p.node, p.uid, id.rawValue])
    }
    let artifacts = output.artifacts
    try set("source_pod_json", artifacts.sourcePod.map { String(decoding: $0, as: UTF8.self) })
    try set("base_image", artifacts.baseImage)
  }

  static func cancelNow(_ db: Connection, _ job: MigrationJob, _ now: Int64) throws {
    try db.run(
      """
      UPDATE migrations SET state = 'canceled', finished_at = ?1, updated_at = ?1, lease_owner = NULL, lease_until = NULL
      WHERE id = ?2
      """, [now, job.id.rawValue])
    try db.run(
      "UPDATE migration_stages SET state = 'canceled', finished_at = ? WHERE migration_id = ? AND state IN ('pending', 'running') AND name = ?",
      [now, job.id.rawValue, job.stage.rawValue])
    try appendEvent(db, job.id, now, .canceled, stage: job.stage, attempt: job.attempt, "migration canceled")
  }
}
