import Core
import SQLite

extension JobStore {
  /// The outcome of `insertJob`.
  enum Insertion {
    case inserted(MigrationID)
    /// The pod already has an active job; nothing was written.
    case podBusy(MigrationID)
  }

  /// Writes a new queued job with its stage rows, its first event and its audit record. Call
  /// inside a write transaction; a busy pod leaves the transaction as it was.
  static func insertJob(
    _ db: Connection, _ request: NewMigration, _ now: Int64, requestedBy: String, trigger: Trigger, sourceAddress: String,
    deliveryID: String?, evacuationID: MigrationID? = nil, targetReason: String? = nil
  ) throws -> Insertion {
    precondition(!request.targetNode.isEmpty, "the target node is chosen before a job is stored")
    let id = MigrationID()
    do {
      try db.run(
        """
        INSERT INTO migrations (id, state, stage, source_namespace, source_pod, source_container, target_node,
          source_policy, allow_volumes, labels, requested_by, trigger, delivery_id, evacuation_id, target_reason,
          created_at, updated_at, run_at)
        VALUES (?, 'queued', 'preflight', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          id.rawValue, request.source.namespace, request.source.pod, request.source.container, request.targetNode,
          request.sourcePolicy.rawValue, request.allowVolumes, try encodeStringMap(request.labels), requestedBy,
          trigger.rawValue, deliveryID, evacuationID?.rawValue, targetReason, now, now, now,
        ])
    } catch let error as SQLiteError where error.isConstraintViolation {
      let active = try db.queryOne(
        "SELECT id FROM migrations WHERE source_namespace = ? AND source_pod = ? AND state IN ('queued', 'running')",
        [request.source.namespace, request.source.pod])
      guard let activeID = active?.string("id").flatMap(MigrationID.init) else { throw error }
      return .podBusy(activeID)
    }
    for (position, stage) in Stage.allCases.enumerated() {
      try db.run(
        "INSERT INTO migration_stages (migration_id, position, name, state) VALUES (?, ?, ?, 'pending')",
        [id.rawValue, position, stage.rawValue])
    }
    try appendEvent(
      db, id, now, .created, stage: nil, attempt: nil, "migration requested",
      ["requestedBy": requestedBy, "trigger": trigger.rawValue])
    var details = [
      "pod": "\(request.source.namespace)/\(request.source.pod)", "targetNode": request.targetNode, "trigger": trigger.rawValue,
    ]
    details["deliveryId"] = deliveryID
    details["evacuation"] = evacuationID?.rawValue
    try appendAudit(
      db, now, AuditActor(name: requestedBy, sourceAddress: sourceAddress), .migrationCreated, target: "migration/\(id)",
      details: details)
    return .inserted(id)
  }
}
