import Foundation

/// The kinds of outbound notification, as subscriptions name them.
public enum NotificationType: String, Sendable, CaseIterable {
  case migrationSucceeded = "migration.succeeded"
  case migrationFailed = "migration.failed"
  case migrationCanceled = "migration.canceled"
  /// A job started a stage (pre-flight included).
  case migrationStageChanged = "migration.stage.changed"
  case evacuationCompleted = "evacuation.completed"
}

/// One notification for one subscription, with every attempt to deliver it.
public struct NotificationDelivery: Sendable, Equatable {
  /// Where a delivery stands.
  public enum State: String, Sendable, CaseIterable {
    case pending, delivered, failed
    /// The subscription answered 410 Gone (to this or an earlier delivery) and is off.
    case disabled
  }

  /// One POST to the subscriber.
  public struct Attempt: Sendable, Equatable {
    public var attempt: Int
    public var time: Date
    /// The HTTP status, nil when no response came.
    public var status: Int?
    public var error: String?
    public init(attempt: Int, time: Date, status: Int?, error: String?) {
      self.attempt = attempt
      self.time = time
      self.status = status
      self.error = error
    }
  }

  /// The Standard Webhooks message id (`webhook-id`), stable across attempts.
  public var id: String
  public var subscription: String
  public var type: NotificationType
  /// The JSON body sent: `{type, timestamp, data}`.
  public var payload: String
  public var state: State
  public var nextAttemptAt: Date?
  public var createdAt: Date
  public var updatedAt: Date
  public var attempts: [Attempt]

  public init(
    id: String, subscription: String, type: NotificationType, payload: String, state: State, nextAttemptAt: Date?,
    createdAt: Date, updatedAt: Date, attempts: [Attempt]
  ) {
    self.id = id
    self.subscription = subscription
    self.type = type
    self.payload = payload
    self.state = state
    self.nextAttemptAt = nextAttemptAt
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.attempts = attempts
  }
}
