import Core
import Foundation
import SQLite

/// Mapping between rows and domain values, and the history writer every transition uses.
extension JobStore {
  static func loadJob(_ db: Connection, _ id: MigrationID) throws -> MigrationJob? {
    guard let row = try db.queryOne("SELECT * FROM migrations WHERE id = ?", [id.rawValue]) else { return nil }
    return try decodeJob(row, stages: loadStages(db, id))
  }

  static func loadStages(_ db: Connection, _ id: MigrationID) throws -> [StageRecord] {
    try db.query(
      "SELECT name, state, attempts, started_at, finished_at, duration_seconds FROM migration_stages WHERE migration_id = ? ORDER BY position",
      [id.rawValue]
    ).map { row in
      StageRecord(
        name: Stage(rawValue: row.string("name") ?? "") ?? .preflight,
        state: StageState(rawValue: row.string("state") ?? "") ?? .pending,
        attempts: row.int("attempts") ?? 0,
        startedAt: row.int64("started_at").map(Microseconds.date),
        finishedAt: row.int64("finished_at").map(Microseconds.date),
        durationSeconds: row.double("duration_seconds"))
    }
  }

  static func decodeJob(_ row: Row, stages: [StageRecord]) throws -> MigrationJob {
    guard let id = row.string("id").flatMap(MigrationID.init),
      let state = row.string("state").flatMap(JobState.init(rawValue:)),
      let stage = row.string("stage").flatMap(Stage.init(rawValue:)),
      let policy = row.string("source_policy").flatMap(SourcePolicy.init(rawValue:)),
      let trigger = row.string("trigger").flatMap(Trigger.init(rawValue:))
    else { throw StorageError.corruptRow("migrations") }
    var image: ImageReference?
    if let repository = row.string("image_repository") {
      image = ImageReference(
        repository: repository, reference: row.string("image_reference") ?? "", digest: row.string("image_digest"))
    }
    var checkpoint: CheckpointArchive?
    if let archive = row.string("checkpoint_archive") {
      checkpoint = CheckpointArchive(archive: archive, sizeBytes: row.int64("checkpoint_size_bytes"))
    }
    var restored: RestoredPod?
    if let name = row.string("restored_name") {
      restored = RestoredPod(
        namespace: row.string("restored_namespace") ?? "", name: name, node: row.string("restored_node") ?? "",
        uid: row.string("restored_uid"))
    }
    var error: JobError?
    if let message = row.string("error_message"), let errorStage = row.string("error_stage").flatMap(Stage.init(rawValue:)) {
      error = JobError(stage: errorStage, message: message, retryable: row.bool("error_retryable") ?? false)
    }
    let labels = try decodeStringMap(row.string("labels"))
    var job = MigrationJob(
      id: id, state: state, stage: stage,
      source: PodReference(
        namespace: row.string("source_namespace") ?? "", pod: row.string("source_pod") ?? "",
        container: row.string("source_container")),
      targetNode: row.string("target_node") ?? "", sourceNode: row.string("source_node"), sourcePolicy: policy,
      allowVolumes: row.bool("allow_volumes") ?? false, preflight: try decodePreflight(row.string("preflight_json")),
      image: image, checkpoint: checkpoint,
      restoredPod: restored, attempt: row.int("attempt") ?? 0, error: error, labels: labels,
      requestedBy: row.string("requested_by") ?? "", trigger: trigger,
      createdAt: Microseconds.date(row.int64("created_at") ?? 0), updatedAt: Microseconds.date(row.int64("updated_at") ?? 0),
      startedAt: row.int64("started_at").map(Microseconds.date), finishedAt: row.int64("finished_at").map(Microseconds.date),
      stages: stages, deliveryID: row.string("delivery_id"), progress: decodeProgress(row, state: state, stage: stage))
    job.evacuationID = row.string("evacuation_id").flatMap(MigrationID.init)
    job.targetReason = row.string("target_reason")
    return job
  }

  static func decodeEvent(_ row: Row) throws -> MigrationEvent {
    guard let type = row.string("type").flatMap(EventType.init(rawValue:)) else {
      throw StorageError.corruptRow("migration_events")
    }
    let data = try decodeStringMap(row.string("data"))
    return MigrationEvent(
      seq: row.int("seq") ?? 0, time: Microseconds.date(row.int64("time") ?? 0), type: type,
      stage: row.string("stage").flatMap(Stage.init(rawValue:)), attempt: row.int("attempt"),
      message: row.string("message") ?? "", data: data)
  }

  /// What earlier stages left in the row for later ones.
  static func loadArtifacts(_ db: Connection, _ id: MigrationID) throws -> StageArtifacts {
    guard let row = try db.queryOne("SELECT source_pod_json, base_image FROM migrations WHERE id = ?", [id.rawValue]) else {
      return StageArtifacts()
    }
    return StageArtifacts(sourcePod: row.string("source_pod_json").map { Array($0.utf8) }, baseImage: row.string("base_image"))
  }

  static func decodePreflight(_ text: String?) throws -> PreflightReport? {
    guard let text else { return nil }
    guard let items = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]] else {
      throw StorageError.corruptRow("migrations")
    }
    return PreflightReport(
      checks: items.compactMap { item in
        guard let name = item["name"], let result = item["result"].flatMap(PreflightReport.Result.init(rawValue:)) else {
          return nil
        }
        return PreflightReport.Check(name: name, result: result, message: item["message"] ?? "")
      })
  }

  static func encodePreflight(_ report: PreflightReport) throws -> String {
    let items = report.checks.map { ["name": $0.name, "result": $0.result.rawValue, "message": $0.message] }
    return String(decoding: try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys]), as: UTF8.self)
  }

  /// Reads a JSON object of strings (labels, event data); `{}` is the common case and skips
  /// the parser.
  static func decodeStringMap(_ text: String?) throws -> [String: String] {
    guard let text, text != "{}" else { return [:] }
    guard let map = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
      throw StorageError.corruptRow("migrations")
    }
    return map
  }

  /// Writes a JSON object of strings with sorted keys; `{}` skips the serializer.
  static func encodeStringMap(_ map: [String: String]) throws -> String {
    guard !map.isEmpty else { return "{}" }
    return String(decoding: try JSONSerialization.data(withJSONObject: map, options: [.sortedKeys]), as: UTF8.self)
  }

  /// Appends one history entry; `seq` comes from the job row so it has no gaps.
  static func appendEvent(
    _ db: Connection, _ id: MigrationID, _ now: Int64, _ type: EventType, stage: Stage?, attempt: Int?,
    _ message: String, _ data: [String: String] = [:]
  ) throws {
    guard
      let seq = try db.queryOne(
        "UPDATE migrations SET next_event_seq = next_event_seq + 1 WHERE id = ? RETURNING next_event_seq - 1 AS seq",
        [id.rawValue])?.int64("seq")
    else { throw StorageError.corruptRow("migrations") }
    try db.run(
      "INSERT INTO migration_events (migration_id, seq, time, type, stage, attempt, message, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [id.rawValue, seq, now, type.rawValue, stage?.rawValue, attempt, message, try encodeStringMap(data)])
    try recordTransition(db, id, now, type, stage: stage)
  }

  /// Records the job-level state changes the queue makes in the audit trail: started (the
  /// first attempt of pre-flight), succeeded, failed (with its error) and canceled; a job that
  /// ends may finish its evacuation.
  private static func recordTransition(_ db: Connection, _ id: MigrationID, _ now: Int64, _ type: EventType, stage: Stage?)
    throws
  {
    if type == .stageStarted, let stage {
      try appendNotification(db, now, .migrationStageChanged, data: ["id": id.rawValue, "stage": stage.rawValue])
    }
    let action: AuditAction
    var details: [String: String] = [:]
    switch type {
    case .stageStarted where stage == .preflight: action = .migrationStarted
    case .succeeded: action = .migrationSucceeded
    case .canceled: action = .migrationCanceled
    case .failed:
      action = .migrationFailed
      details["error"] = try db.queryOne("SELECT error_message FROM migrations WHERE id = ?", [id.rawValue])?.string(
        "error_message")
    default: return
    }
    details["stage"] = stage?.rawValue
    try appendAudit(db, now, .service, action, target: "migration/\(id)", details: details)
    let outcome: [AuditAction: NotificationType] = [
      .migrationSucceeded: .migrationSucceeded, .migrationFailed: .migrationFailed, .migrationCanceled: .migrationCanceled,
    ]
    if let notification = outcome[action] {
      var data = details
      data["id"] = id.rawValue
      data["state"] = String(action.rawValue.dropFirst("migration.".count))
      try appendNotification(db, now, notification, data: data)
    }
    if action != .migrationStarted,
      let evacuation = try db.queryOne("SELECT evacuation_id FROM migrations WHERE id = ?", [id.rawValue])?.string(
        "evacuation_id"
      ).flatMap(MigrationID.init)
    {
      try finishEvacuationIfDone(db, evacuation, now)
    }
  }
}

/// A storage failure that is not SQLite's own.
public enum StorageError: Error, CustomStringConvertible {
  /// A row holds a value this binary cannot read.
  case corruptRow(String)
  public var description: String {
    switch self {
    case .corruptRow(let table): "a row in \(table) holds a value this version of podhop cannot read"
    }
  }
}
