import Foundation

/// Where a stage reports how far its long transfer got: `report(bytesDone:bytesTotal:)` may be
/// called from any thread, as often as the transfer likes (every buffer, or on each poll of a
/// remote agent). The queue keeps only the latest value and persists it at most about once a
/// second, so readers of the job see it as `progress`.
///
/// What the numbers count is the stage's choice and is documented with the stage (the push
/// stage counts bytes of the checkpoint archive read into the layer upload).
public struct StageProgress: Sendable {
  private let sink: @Sendable (_ bytesDone: Int64, _ bytesTotal: Int64?) -> Void

  /// A reporter that hands every value to `sink`; `sink` must be cheap and must not block.
  public init(_ sink: @escaping @Sendable (_ bytesDone: Int64, _ bytesTotal: Int64?) -> Void) {
    self.sink = sink
  }

  /// Records that `bytesDone` of `bytesTotal` (nil when unknown) are done.
  public func report(bytesDone: Int64, bytesTotal: Int64?) { sink(bytesDone, bytesTotal) }

  /// A reporter that drops everything, for callers that do not track progress.
  public static let ignored = StageProgress { _, _ in }
}

/// The latest progress of a running job's current stage attempt, as persisted.
public struct JobProgress: Sendable, Equatable {
  /// The stage that reported it (always the job's current stage when shown).
  public var stage: Stage
  public var bytesDone: Int64
  /// Nil when the stage does not know the total.
  public var bytesTotal: Int64?
  /// When the value was persisted.
  public var updatedAt: Date

  public init(stage: Stage, bytesDone: Int64, bytesTotal: Int64?, updatedAt: Date) {
    self.stage = stage
    self.bytesDone = bytesDone
    self.bytesTotal = bytesTotal
    self.updatedAt = updatedAt
  }
}
