/// A validated request for a migration, as accepted from the API (or later a webhook).
public struct NewMigration: Sendable, Equatable {
  public var source: PodReference
  public var targetNode: String
  public var sourcePolicy: SourcePolicy
  /// Accept that PVC and hostPath volumes are not moved (pre-flight refuses them otherwise).
  public var allowVolumes: Bool
  public var labels: [String: String]

  public init(
    source: PodReference, targetNode: String, sourcePolicy: SourcePolicy = .delete, allowVolumes: Bool = false,
    labels: [String: String] = [:]
  ) {
    self.source = source
    self.targetNode = targetNode
    self.sourcePolicy = sourcePolicy
    self.allowVolumes = allowVolumes
    self.labels = labels
  }
}
