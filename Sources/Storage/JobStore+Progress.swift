import Core
import Foundation
import SQLite

/// Progress of running stage attempts and the reads that follow a job's history as it grows.
extension JobStore {
  /// Stores the latest progress of `stage`'s attempt `attempt`; does nothing when the job has
  /// moved on (another stage or attempt, no longer running, or leased by someone else), so a
  /// late write can never show stale progress.
  public func recordProgress(
    _ id: MigrationID, owner: String, stage: Stage, attempt: Int, bytesDone: Int64, bytesTotal: Int64?
  ) async throws {
    let now = Microseconds.from(time.now())
    try await database.write { db in
      try db.run(
        """
        UPDATE migrations SET progress_stage = ?1, progress_bytes_done = ?2, progress_bytes_total = ?3,
          progress_updated_at = ?4
        WHERE id = ?5 AND state = 'running' AND lease_owner = ?6 AND stage = ?1 AND attempt = ?7
        """, [stage.rawValue, max(0, bytesDone), bytesTotal.map { max(0, $0) }, now, id.rawValue, owner, attempt])
    }
  }

  /// A job's state and the events after `seq`, read in one snapshot (so when the state is
  /// terminal, every event is among those returned); nil when there is no such job.
  public func follow(_ id: MigrationID, after seq: Int) async throws -> (state: JobState, events: [MigrationEvent])? {
    try await database.read { db in
      guard let row = try db.queryOne("SELECT state FROM migrations WHERE id = ?", [id.rawValue]),
        let state = row.string("state").flatMap(JobState.init(rawValue:))
      else { return nil }
      let events = try db.query(
        """
        SELECT seq, time, type, stage, attempt, message, data FROM migration_events
        WHERE migration_id = ? AND seq > ? ORDER BY seq
        """, [id.rawValue, seq]
      ).map(Self.decodeEvent)
      return (state, events)
    }
  }

  /// Runs `body` in a write transaction, then tells followers that history may have grown.
  func writeNotifying<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
    let result = try await database.write(body)
    changes.fire()
    return result
  }

  /// Clears the progress of the attempt before the next one starts.
  static func clearProgress(_ db: Connection, _ id: MigrationID) throws {
    try db.run(
      """
      UPDATE migrations SET progress_stage = NULL, progress_bytes_done = NULL, progress_bytes_total = NULL,
        progress_updated_at = NULL WHERE id = ?
      """, [id.rawValue])
  }

  /// The progress column values of `row`, when they belong to the job's running stage.
  static func decodeProgress(_ row: Row, state: JobState, stage: Stage) -> JobProgress? {
    guard state == .running, let reported = row.string("progress_stage").flatMap(Stage.init(rawValue:)),
      reported == stage, let done = row.int64("progress_bytes_done"), let updated = row.int64("progress_updated_at")
    else { return nil }
    return JobProgress(
      stage: stage, bytesDone: done, bytesTotal: row.int64("progress_bytes_total"), updatedAt: Microseconds.date(updated))
  }
}
