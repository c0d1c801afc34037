import Core
import Foundation
import SQLite

/// Retention: finished jobs (with their stages, history and idempotency keys), evacuations
/// whose jobs are all gone, and settled notification deliveries, older than a cut-off, are
/// deleted in small batches so the writer is never held long. The audit trail is kept.
extension JobStore {
  /// What one pass deleted.
  public struct Pruned: Sendable, Equatable {
    public var jobs = 0
    public var evacuations = 0
    public var deliveries = 0
    public init() {}
  }

  /// Deletes what finished before `age` ago, at most `batch` rows per transaction, until
  /// nothing older is left.
  public func pruneFinished(olderThan age: Duration, batch: Int = 500) async throws -> Pruned {
    let cutoff = Microseconds.from(time.now()) - Microseconds.from(age)
    var pruned = Pruned()
    while true {
      let deleted = try await database.write { db in
        try db.query(
          """
          DELETE FROM migrations WHERE id IN (
            SELECT id FROM migrations WHERE state IN ('succeeded', 'failed', 'canceled') AND finished_at < ? LIMIT ?)
          RETURNING id
          """, [cutoff, batch]
        ).count
      }
      pruned.jobs += deleted
      if deleted < batch { break }
    }
    pruned.evacuations = try await database.write { db in
      try db.query(
        """
        DELETE FROM evacuations WHERE finished_at < ?
          AND NOT EXISTS (SELECT 1 FROM migrations WHERE evacuation_id = evacuations.id) RETURNING id
        """, [cutoff]
      ).count
    }
    while true {
      let deleted = try await database.write { db in
        try db.query(
          """
          DELETE FROM notification_deliveries WHERE id IN (
            SELECT id FROM notification_deliveries WHERE state != 'pending' AND updated_at < ? LIMIT ?)
          RETURNING id
          """, [cutoff, batch]
        ).count
      }
      pruned.deliveries += deleted
      if deleted < batch { break }
    }
    return pruned
  }
}
