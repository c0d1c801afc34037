import Foundation

/// One append-only entry in a job's history: a state or stage change, an attempt, an error, a retry.
public struct MigrationEvent: Sendable, Equatable {
  /// Position in the job's history, from 1, without gaps.
  public var seq: Int
  public var time: Date
  public var type: EventType
  public var stage: Stage?
  public var attempt: Int?
  public var message: String
  /// Details that depend on the type (error text, retry time, lease owner); string values only.
  public var data: [String: String]

  public init(
    seq: Int, time: Date, type: EventType, stage: Stage?, attempt: Int?, message: String,
    data: [String: String] = [:]
  ) {
    self.seq = seq
    self.time = time
    self.type = type
    self.stage = stage
    self.attempt = attempt
    self.message = message
    self.data = data
  }
}

/// The kinds of history entry. Raw values are persisted and published in openapi.yaml.
public enum EventType: String, Sendable, CaseIterable {
  case created = "job.created"
  case stageStarted = "stage.started"
  case attemptStarted = "attempt.started"
  case attemptFailed = "attempt.failed"
  case retryScheduled = "retry.scheduled"
  case stageSucceeded = "stage.succeeded"
  case stageFailed = "stage.failed"
  case leaseExpired = "lease.expired"
  case leaseReturned = "lease.returned"
  case cancelRequested = "cancel.requested"
  case canceled = "job.canceled"
  case retryRequested = "retry.requested"
  case succeeded = "job.succeeded"
  case failed = "job.failed"
}
