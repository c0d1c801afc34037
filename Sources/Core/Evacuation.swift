import Foundation

/// A request to move every movable pod off a node (`POST /v1/evacuations`, or a `drain` hook).
public struct EvacuationRequest: Sendable, Equatable {
  public var node: String
  /// Where every pod goes; nil lets podhop choose a compatible node per pod.
  public var targetNode: String?
  public var sourcePolicy: SourcePolicy
  public var allowVolumes: Bool
  /// Copied to every job.
  public var labels: [String: String]

  public init(
    node: String, targetNode: String? = nil, sourcePolicy: SourcePolicy = .delete, allowVolumes: Bool = false,
    labels: [String: String] = [:]
  ) {
    self.node = node
    self.targetNode = targetNode
    self.sourcePolicy = sourcePolicy
    self.allowVolumes = allowVolumes
    self.labels = labels
  }
}

/// What podhop decided for each pod on the node before creating any job.
public struct EvacuationPlan: Sendable, Equatable {
  /// A pod to move and where, with why that node.
  public struct Move: Sendable, Equatable {
    public var pod: PodReference
    public var targetNode: String
    public var reason: String
    public init(pod: PodReference, targetNode: String, reason: String) {
      self.pod = pod
      self.targetNode = targetNode
      self.reason = reason
    }
  }

  /// A pod that stays, with the pre-flight reason (or why no node fits).
  public struct Skip: Sendable, Equatable {
    public var pod: String
    public var reason: String
    public init(pod: String, reason: String) {
      self.pod = pod
      self.reason = reason
    }
  }

  public var moves: [Move]
  public var skipped: [Skip]

  public init(moves: [Move], skipped: [Skip]) {
    self.moves = moves
    self.skipped = skipped
  }
}

/// An evacuation as the API shows it: the request, its child jobs and the pods left behind.
public struct Evacuation: Sendable, Equatable {
  /// One child job.
  public struct Child: Sendable, Equatable {
    public var id: MigrationID
    public var pod: String
    public var targetNode: String
    public var state: JobState
    /// Why podhop chose the target node (empty when the caller named it).
    public var targetReason: String
    public init(id: MigrationID, pod: String, targetNode: String, state: JobState, targetReason: String) {
      self.id = id
      self.pod = pod
      self.targetNode = targetNode
      self.state = state
      self.targetReason = targetReason
    }
  }

  public var id: MigrationID
  public var node: String
  public var targetNode: String?
  public var requestedBy: String
  public var trigger: Trigger
  public var deliveryID: String?
  public var createdAt: Date
  /// Set when every child job has finished.
  public var finishedAt: Date?
  public var jobs: [Child]
  public var skipped: [EvacuationPlan.Skip]

  public init(
    id: MigrationID, node: String, targetNode: String?, requestedBy: String, trigger: Trigger, deliveryID: String?,
    createdAt: Date, finishedAt: Date?, jobs: [Child], skipped: [EvacuationPlan.Skip]
  ) {
    self.id = id
    self.node = node
    self.targetNode = targetNode
    self.requestedBy = requestedBy
    self.trigger = trigger
    self.deliveryID = deliveryID
    self.createdAt = createdAt
    self.finishedAt = finishedAt
    self.jobs = jobs
    self.skipped = skipped
  }
}
