/// Runs one stage of a migration. Implementations must be idempotent: the queue delivers each
/// stage at least once, so a stage may run again after a crash or an expired lease.
///
/// Throw `StageError` to say what the queue should do; `CancellationError` when cancelled
/// (the queue decides whether that was a user's cancel or a shutdown). Any other error is
/// treated as retryable, with its description as the message.
public protocol StageExecutor: Sendable {
  /// Performs the stage for `job` and returns what it produced; the queue persists that before
  /// the next stage starts.
  func execute(_ job: MigrationJob) async throws -> StageOutput
}

/// What a stage produced, merged into the job before the next stage runs.
public struct StageOutput: Sendable, Equatable {
  public var checkpoint: CheckpointArchive?
  public var image: ImageReference?
  public var restoredPod: RestoredPod?

  /// A stage that produced nothing to record.
  public static let none = StageOutput()

  public init(
    checkpoint: CheckpointArchive? = nil, image: ImageReference? = nil, restoredPod: RestoredPod? = nil
  ) {
    self.checkpoint = checkpoint
    self.image = image
    self.restoredPod = restoredPod
  }
}

/// A stage failure that says what the queue should do with it.
public struct StageError: Error, Sendable, CustomStringConvertible {
  /// The queue's reaction.
  public enum Disposition: Sendable, Equatable {
    /// Try again with backoff; `after` overrides the backoff when the peer said when (Retry-After).
    case retry(after: Duration?)
    /// Fail the job now; retrying cannot help.
    case terminal
  }

  public let disposition: Disposition
  /// A message an operator can act on; never contains secrets.
  public let message: String

  public init(_ disposition: Disposition, _ message: String) {
    self.disposition = disposition
    self.message = message
  }

  /// A failure worth retrying with the normal backoff.
  public static func retryable(_ message: String) -> StageError { .init(.retry(after: nil), message) }
  /// A failure that ends the job.
  public static func terminal(_ message: String) -> StageError { .init(.terminal, message) }

  public var isRetryable: Bool { disposition != .terminal }
  public var description: String { message }
}
