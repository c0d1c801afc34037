import Foundation

/// One entry of the append-only audit trail: who did what to which resource, from where.
public struct AuditRecord: Sendable, Equatable {
  /// Position in the trail, from 1.
  public var seq: Int64
  public var time: Date
  /// A token's name, `hook:<name>` for a webhook, or `podhop` for the service's own transitions.
  public var actor: String
  /// The caller's IP address; empty for the service's own transitions.
  public var sourceAddress: String
  public var action: AuditAction
  /// What was acted on, e.g. `migration/<id>` or `hook/<name>`.
  public var target: String
  /// Action-specific facts (a refusal's reason, a state); string values only.
  public var details: [String: String]
  /// Hex SHA-256 of this record chained to the previous record's hash (`AuditChain`).
  public var hash: String

  public init(
    seq: Int64, time: Date, actor: String, sourceAddress: String, action: AuditAction, target: String,
    details: [String: String], hash: String
  ) {
    self.seq = seq
    self.time = time
    self.actor = actor
    self.sourceAddress = sourceAddress
    self.action = action
    self.target = target
    self.details = details
    self.hash = hash
  }
}

/// The kinds of audited change. Raw values are persisted and published in openapi.yaml.
public enum AuditAction: String, Sendable, CaseIterable {
  /// A caller asked for a migration (API or webhook).
  case migrationCreated = "migration.created"
  case cancelRequested = "migration.cancel-requested"
  case retryRequested = "migration.retry-requested"
  /// The service's own job-level transitions.
  case migrationStarted = "migration.started"
  case migrationSucceeded = "migration.succeeded"
  case migrationFailed = "migration.failed"
  case migrationCanceled = "migration.canceled"
  /// A caller asked to evacuate a node; the service finished it when its last job ended.
  case evacuationCreated = "evacuation.created"
  case evacuationCompleted = "evacuation.completed"
  /// An operator queued an outbound notification again.
  case redeliveryRequested = "delivery.redelivery-requested"
  /// A webhook delivery passed its signature check and was acted on.
  case hookAccepted = "hook.accepted"
  /// A webhook delivery was refused (signature, timestamp, unknown hook, body); `reason` says why.
  case hookRefused = "hook.refused"
}

/// Who made a change and from where, as the audit trail records it.
public struct AuditActor: Sendable, Equatable {
  public var name: String
  public var sourceAddress: String

  public init(name: String, sourceAddress: String) {
    self.name = name
    self.sourceAddress = sourceAddress
  }

  /// The service itself (state transitions of the queue).
  public static let service = AuditActor(name: "podhop", sourceAddress: "")
}
