import Core
import Foundation
import SQLite

/// Evacuations: one transaction creates the evacuation and a job per planned move; the last
/// child job to finish finishes the evacuation.
extension JobStore {
  /// The outcome of `createEvacuation`.
  public enum EvacuationOutcome: Sendable {
    case created(Evacuation)
    /// The same caller sent the same request key (Idempotency-Key or delivery id) before: that
    /// evacuation as it is now.
    case replayed(Evacuation)
  }

  /// Stores an evacuation and its child jobs. A planned pod that already has an active job is
  /// listed as skipped, naming that job. `requestKey` (an Idempotency-Key or a webhook delivery
  /// id) makes a repeated request answer the first evacuation.
  public func createEvacuation(
    _ request: EvacuationRequest, plan: EvacuationPlan, requestedBy: String, trigger: Trigger, sourceAddress: String,
    deliveryID: String?, requestKey: String?
  ) async throws -> EvacuationOutcome {
    let now = Microseconds.from(time.now())
    return try await database.write { db in
      if let requestKey,
        let seen = try db.queryOne(
          "SELECT id FROM evacuations WHERE requested_by = ? AND request_key = ?", [requestedBy, requestKey])?.string("id")
          .flatMap(MigrationID.init)
      {
        return .replayed(try Self.loadEvacuation(db, seen)!)
      }
      let id = MigrationID()
      try db.run(
        """
        INSERT INTO evacuations (id, node, target_node, requested_by, trigger, delivery_id, request_key, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """, [id.rawValue, request.node, request.targetNode, requestedBy, trigger.rawValue, deliveryID, requestKey, now])
      var skipped = plan.skipped
      for move in plan.moves {
        let migration = NewMigration(
          source: move.pod, targetNode: move.targetNode, sourcePolicy: request.sourcePolicy,
          allowVolumes: request.allowVolumes, labels: request.labels)
        let outcome = try Self.insertJob(
          db, migration, now, requestedBy: requestedBy, trigger: trigger, sourceAddress: sourceAddress,
          deliveryID: deliveryID, evacuationID: id, targetReason: move.reason.isEmpty ? nil : move.reason)
        if case .podBusy(let active) = outcome {
          skipped.append(.init(pod: "\(move.pod.namespace)/\(move.pod.pod)", reason: "already being migrated by job \(active)"))
        }
      }
      try db.run("UPDATE evacuations SET skipped_json = ? WHERE id = ?", [try Self.encodeSkipped(skipped), id.rawValue])
      var details = ["node": request.node, "jobs": String(plan.moves.count - (skipped.count - plan.skipped.count))]
      details["skipped"] = String(skipped.count)
      details["deliveryId"] = deliveryID
      try Self.appendAudit(
        db, now, AuditActor(name: requestedBy, sourceAddress: sourceAddress), .evacuationCreated, target: "evacuation/\(id)",
        details: details)
      try Self.finishEvacuationIfDone(db, id, now)
      return .created(try Self.loadEvacuation(db, id)!)
    }
  }

  /// The evacuation with `id`, or nil.
  public func evacuation(_ id: MigrationID) async throws -> Evacuation? {
    try await database.read { db in try Self.loadEvacuation(db, id) }
  }

  /// Up to `limit` evacuations, newest first, starting after `cursor`.
  public func evacuations(limit: Int, after cursor: JobCursor?) async throws -> (items: [Evacuation], next: JobCursor?) {
    try await database.read { db in
      let rows =
        if let cursor {
          try db.query(
            "SELECT id FROM evacuations WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?",
            [cursor.createdAt, cursor.id, limit + 1])
        } else {
          try db.query("SELECT id FROM evacuations ORDER BY created_at DESC, id DESC LIMIT ?", [limit + 1])
        }
      let items = try rows.prefix(limit).compactMap { row in
        try row.string("id").flatMap(MigrationID.init).flatMap { try Self.loadEvacuation(db, $0) }
      }
      let next =
        rows.count > limit ? items.last.map { JobCursor(createdAt: Microseconds.from($0.createdAt), id: $0.id.rawValue) } : nil
      return (items, next)
    }
  }

  /// Marks the evacuation finished, with an audit record, once none of its jobs is active.
  static func finishEvacuationIfDone(_ db: Connection, _ id: MigrationID, _ now: Int64) throws {
    let active =
      try db.queryOne(
        "SELECT count(*) AS n FROM migrations WHERE evacuation_id = ? AND state IN ('queued', 'running')", [id.rawValue])?.int(
        "n") ?? 0
    guard active == 0,
      let row = try db.queryOne(
        "UPDATE evacuations SET finished_at = ? WHERE id = ? AND finished_at IS NULL RETURNING node", [now, id.rawValue])
    else { return }
    let counts = try db.query(
      "SELECT state, count(*) AS n FROM migrations WHERE evacuation_id = ? GROUP BY state", [id.rawValue])
    var details = ["node": row.string("node") ?? ""]
    for count in counts { details[count.string("state") ?? "?"] = String(count.int("n") ?? 0) }
    try appendAudit(db, now, .service, .evacuationCompleted, target: "evacuation/\(id)", details: details)
    details["id"] = id.rawValue
    try appendNotification(db, now, .evacuationCompleted, data: details)
  }

  static func loadEvacuation(_ db: Connection, _ id: MigrationID) throws -> Evacuation? {
    guard let row = try db.queryOne("SELECT * FROM evacuations WHERE id = ?", [id.rawValue]) else { return nil }
    guard let trigger = row.string("trigger").flatMap(Trigger.init(rawValue:)) else {
      throw StorageError.corruptRow("evacuations")
    }
    let jobs = try db.query(
      """
      SELECT id, source_namespace, source_pod, target_node, state, target_reason FROM migrations
      WHERE evacuation_id = ? ORDER BY source_namespace, source_pod
      """, [id.rawValue]
    ).compactMap { job -> Evacuation.Child? in
      guard let jobID = job.string("id").flatMap(MigrationID.init), let state = job.string("state").flatMap(JobState.init)
      else { return nil }
      return Evacuation.Child(
        id: jobID, pod: "\(job.string("source_namespace") ?? "")/\(job.string("source_pod") ?? "")",
        targetNode: job.string("target_node") ?? "", state: state, targetReason: job.string("target_reason") ?? "")
    }
    return Evacuation(
      id: id, node: row.string("node") ?? "", targetNode: row.string("target_node"),
      requestedBy: row.string("requested_by") ?? "",
      trigger: trigger, deliveryID: row.string("delivery_id"), createdAt: Microseconds.date(row.int64("created_at") ?? 0),
      finishedAt: row.int64("finished_at").map(Microseconds.date), jobs: jobs,
      skipped: try decodeSkipped(row.string("skipped_json")))
  }

  static func encodeSkipped(_ skipped: [EvacuationPlan.Skip]) throws -> String {
    let objects = skipped.map { ["pod": $0.pod, "reason": $0.reason] }
    return String(decoding: try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys]), as: UTF8.self)
  }

  static func decodeSkipped(_ text: String?) throws -> [EvacuationPlan.Skip] {
    guard let text, text != "[]" else { return [] }
    guard let objects = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]] else {
      throw StorageError.corruptRow("evacuations")
    }
    return objects.map { .init(pod: $0["pod"] ?? "", reason: $0["reason"] ?? "") }
  }
}
