import Core
import Foundation
import SQLite

/// User commands on existing jobs: cancel and manual retry.
extension JobStore {
  /// The outcome of `cancel`.
  public enum CancelOutcome: Sendable {
    /// The job was queued and is now canceled.
    case canceled(MigrationJob)
    /// The job is running; its stage is asked to stop and the job becomes canceled when it does.
    case cancelRequested(MigrationJob)
    /// Canceled before; nothing changed.
    case alreadyCanceled(MigrationJob)
    /// Succeeded or failed: too late to cancel.
    case finished(MigrationJob)
    case notFound
  }

  /// Cancels a queued job now, or asks a running job's stage to stop.
  public func cancel(_ id: MigrationID, requestedBy: String, sourceAddress: String = "") async throws -> CancelOutcome {
    let now = Microseconds.from(time.now())
    let actor = AuditActor(name: requestedBy, sourceAddress: sourceAddress)
    return try await writeNotifying { db in
      guard let job = try Self.loadJob(db, id) else { return .notFound }
      switch job.state {
      case .queued:
        try Self.appendEvent(
          db, id, now, .cancelRequested, stage: job.stage, attempt: job.attempt, "cancel requested", ["by": requestedBy])
        try Self.appendAudit(db, now, actor, .cancelRequested, target: "migration/\(id)", details: ["state": "queued"])
        try Self.cancelNow(db, job, now)
        return .canceled(try Self.loadJob(db, id)!)
      case .running:
        if try db.queryOne("SELECT cancel_requested FROM migrations WHERE id = ?", [id.rawValue])?.bool("cancel_requested")
          != true
        {
          try db.run("UPDATE migrations SET cancel_requested = 1, updated_at = ? WHERE id = ?", [now, id.rawValue])
          try Self.appendEvent(
            db, id, now, .cancelRequested, stage: job.stage, attempt: job.attempt, "cancel requested", ["by": requestedBy])
          try Self.appendAudit(db, now, actor, .cancelRequested, target: "migration/\(id)", details: ["state": "running"])
        }
        return .cancelRequested(try Self.loadJob(db, id)!)
      case .canceled: return .alreadyCanceled(job)
      case .succeeded, .failed: return .finished(job)
      }
    }
  }

  /// The outcome of `retry`.
  public enum RetryOutcome: Sendable {
    case queued(MigrationJob)
    /// Only failed jobs can be retried.
    case notFailed(MigrationJob)
    /// Another job for the same pod is active.
    case podBusy(active: MigrationID)
    case notFound
  }

  /// Re-queues a failed job at the stage that failed, with a fresh attempt budget; finished
  /// stages are not run again.
  public func retry(_ id: MigrationID, requestedBy: String, sourceAddress: String = "") async throws -> RetryOutcome {
    let now = Microseconds.from(time.now())
    let actor = AuditActor(name: requestedBy, sourceAddress: sourceAddress)
    return try await writeNotifying { db in
      guard let job = try Self.loadJob(db, id) else { return .notFound }
      guard job.state == .failed else { return .notFailed(job) }
      do {
        try db.run(
          """
          UPDATE migrations SET state = 'queued', attempt = 0, run_at = ?1, updated_at = ?1, finished_at = NULL,
            cancel_requested = 0, error_stage = NULL, error_message = NULL, error_retryable = NULL WHERE id = ?2
          """, [now, id.rawValue])
      } catch let error as SQLiteError where error.isConstraintViolation {
        let active = try db.queryOne(
          "SELECT id FROM migrations WHERE source_namespace = ? AND source_pod = ? AND state IN ('queued', 'running')",
          [job.source.namespace, job.source.pod])?.string("id").flatMap(MigrationID.init)
        guard let active else { throw error }
        return .podBusy(active: active)
      }
      try db.run(
        "UPDATE migration_stages SET state = 'pending', finished_at = NULL, duration_seconds = NULL WHERE migration_id = ? AND name = ?",
        [id.rawValue, job.stage.rawValue])
      try Self.appendEvent(
        db, id, now, .retryRequested, stage: job.stage, attempt: nil, "retry requested; resuming at the failed stage",
        ["by": requestedBy])
      try Self.appendAudit(db, now, actor, .retryRequested, target: "migration/\(id)", details: ["stage": job.stage.rawValue])
      // A retried child job reopens its evacuation.
      try db.run(
        "UPDATE evacuations SET finished_at = NULL WHERE id = (SELECT evacuation_id FROM migrations WHERE id = ?)", [id.rawValue])
      return .queued(try Self.loadJob(db, id)!)
    }
  }
}
