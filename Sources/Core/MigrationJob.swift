import Foundation

/// A request to move one container's pod to another node, with everything each stage produced.
/// This is exactly the JSON shape the API serves (see openapi.yaml `Migration`).
public struct MigrationJob: Sendable, Equatable {
  public var id: MigrationID
  public var state: JobState
  public var stage: Stage
  public var source: PodReference
  public var targetNode: String
  /// The node the source pod ran on, as pre-flight found it.
  public var sourceNode: String?
  public var sourcePolicy: SourcePolicy
  /// Whether the caller accepted that PVC and hostPath volume data does not move.
  public var allowVolumes: Bool
  /// What pre-flight checked; nil until it ran.
  public var preflight: PreflightReport?
  public var image: ImageReference?
  public var checkpoint: CheckpointArchive?
  public var restoredPod: RestoredPod?
  /// The attempt number of the current stage since it was last started or retried by hand.
  public var attempt: Int
  public var error: JobError?
  public var labels: [String: String]
  public var requestedBy: String
  public var trigger: Trigger
  /// The webhook delivery that asked for the job (`trigger` is `webhook`).
  public var deliveryID: String?
  /// The evacuation the job belongs to.
  public var evacuationID: MigrationID?
  /// Why podhop chose `targetNode`, when the caller left it to podhop.
  public var targetReason: String?
  public var createdAt: Date
  public var updatedAt: Date
  public var startedAt: Date?
  public var finishedAt: Date?
  public var stages: [StageRecord]
  /// How far the running stage attempt got, when it reports progress; nil otherwise.
  public var progress: JobProgress?

  public init(
    id: MigrationID, state: JobState, stage: Stage, source: PodReference, targetNode: String, sourceNode: String? = nil,
    sourcePolicy: SourcePolicy, allowVolumes: Bool = false, preflight: PreflightReport? = nil, image: ImageReference? = nil,
    checkpoint: CheckpointArchive? = nil,
    restoredPod: RestoredPod? = nil, attempt: Int = 0, error: JobError? = nil,
    labels: [String: String] = [:], requestedBy: String, trigger: Trigger, createdAt: Date,
    updatedAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, stages: [StageRecord], deliveryID: String? = nil,
    progress: JobProgress? = nil
  ) {
    self.deliveryID = deliveryID
    self.id = id
    self.state = state
    self.stage = stage
    self.source = source
    self.targetNode = targetNode
    self.sourceNode = sourceNode
    self.sourcePolicy = sourcePolicy
    self.allowVolumes = allowVolumes
    self.preflight = preflight
    self.image = image
    self.checkpoint = checkpoint
    self.restoredPod = restoredPod
    self.attempt = attempt
    self.error = error
    self.labels = labels
    self.requestedBy = requestedBy
    self.trigger = trigger
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.stages = stages
    self.progress = progress
  }
}

/// The pod (and optionally the container) being moved.
public struct PodReference: Sendable, Equatable {
  public var namespace: String
  public var pod: String
  /// Optional for one-container pods.
  public var container: String?
  public init(namespace: String, pod: String, container: String? = nil) {
    self.namespace = namespace
    self.pod = pod
    self.container = container
  }
}

/// The checkpoint image: where it was pushed and its manifest digest.
public struct ImageReference: Sendable, Equatable {
  public var repository: String
  public var reference: String
  public var digest: String?
  public init(repository: String, reference: String, digest: String? = nil) {
    self.repository = repository
    self.reference = reference
    self.digest = digest
  }
}

/// The archive the kubelet wrote on the source node.
public struct CheckpointArchive: Sendable, Equatable {
  public var archive: String
  public var sizeBytes: Int64?
  public init(archive: String, sizeBytes: Int64? = nil) {
    self.archive = archive
    self.sizeBytes = sizeBytes
  }
}

/// The pod podhop created on the target node.
public struct RestoredPod: Sendable, Equatable {
  public var namespace: String
  public var name: String
  public var node: String
  public var uid: String?
  public init(namespace: String, name: String, node: String, uid: String? = nil) {
    self.namespace = namespace
    self.name = name
    self.node = node
    self.uid = uid
  }
}

/// The last error of a job: which stage, what happened, and whether the queue would retry it.
public struct JobError: Sendable, Equatable {
  public var stage: Stage
  public var message: String
  public var retryable: Bool
  public init(stage: Stage, message: String, retryable: Bool) {
    self.stage = stage
    self.message = message
    self.retryable = retryable
  }
}

/// One stage's progress within a job.
public struct StageRecord: Sendable, Equatable {
  public var name: Stage
  public var state: StageState
  /// Every attempt ever made at this stage, including ones before a manual retry.
  public var attempts: Int
  public var startedAt: Date?
  public var finishedAt: Date?
  public var durationSeconds: Double?
  public init(
    name: Stage, state: StageState, attempts: Int = 0, startedAt: Date? = nil,
    finishedAt: Date? = nil, durationSeconds: Double? = nil
  ) {
    self.name = name
    self.state = state
    self.attempts = attempts
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.durationSeconds = durationSeconds
  }
}
