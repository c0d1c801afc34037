/// Runs one stage of a migration. Implementations must be idempotent: the queue delivers each
/// stage at least once, so a stage may run again after a crash or an expired lease.
///
/// Throw `StageError` to say what the queue should do; `CancellationError` when cancelled
/// (the queue decides whether that was a user's cancel or a shutdown). Any other error is
/// treated as retryable, with its description as the message.
public protocol StageExecutor: Sendable {
  /// Performs the stage for `job`, given what earlier stages left in `artifacts`, and returns
  /// what it produced; the queue persists that before the next stage starts.
  ///
  /// A stage with a long transfer reports bytes done (and the total when known) to `progress`
  /// periodically; the queue shows the latest value in the job until the attempt ends.
  func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput
}

/// What a stage produced, merged into the job before the next stage runs. Nil fields leave the
/// job as it was.
public struct StageOutput: Sendable, Equatable {
  public var sourceNode: String?
  /// The container to move, when pre-flight resolved it (one-container pods).
  public var container: String?
  public var preflight: PreflightReport?
  public var checkpoint: CheckpointArchive?
  public var image: ImageReference?
  public var restoredPod: RestoredPod?
  /// Stage-to-stage data that is not part of the job's API shape.
  public var artifacts = StageArtifacts()

  /// A stage that produced nothing to record.
  public static let none = StageOutput()

  public init(
    sourceNode: String? = nil, container: String? = nil, preflight: PreflightReport? = nil,
    checkpoint: CheckpointArchive? = nil, image: ImageReference? = nil, restoredPod: RestoredPod? = nil,
    artifacts: StageArtifacts = StageArtifacts()
  ) {
    self.sourceNode = sourceNode
    self.container = container
    self.preflight = preflight
    self.checkpoint = checkpoint
    self.image = image
    self.restoredPod = restoredPod
    self.artifacts = artifacts
  }
}

/// What earlier stages left for later ones: kept in the job's row, not shown by the API.
public struct StageArtifacts: Sendable, Equatable {
  /// The source Pod object as JSON, as pre-flight read it; restore builds from it even after
  /// the source is gone.
  public var sourcePod: [UInt8]?
  /// The image the checkpointed container ran on (`config.dump` rootfsImageName); the target
  /// node needs it locally to restore.
  public var baseImage: String?
  public init(sourcePod: [UInt8]? = nil, baseImage: String? = nil) {
    self.sourcePod = sourcePod
    self.baseImage = baseImage
  }

  /// These artifacts with what `newer` set replacing them, as the store merges a stage's output.
  public func merging(_ newer: StageArtifacts) -> StageArtifacts {
    StageArtifacts(sourcePod: newer.sourcePod ?? sourcePod, baseImage: newer.baseImage ?? baseImage)
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
  /// What the stage learned before it failed, persisted all the same (a pre-flight report).
  public let output: StageOutput

  public init(_ disposition: Disposition, _ message: String, output: StageOutput = .none) {
    self.disposition = disposition
    self.message = message
    self.output = output
  }

  /// A failure worth retrying with the normal backoff.
  public static func retryable(_ message: String) -> StageError { .init(.retry(after: nil), message) }
  /// A failure that ends the job.
  public static func terminal(_ message: String) -> StageError { .init(.terminal, message) }

  public var isRetryable: Bool { disposition != .terminal }
  public var description: String { message }
}
