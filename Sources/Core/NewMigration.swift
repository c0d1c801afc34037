/// A validated request for a migration, as accepted from the API (or later a webhook).
public struct NewMigration: Sendable, Equatable {
  public var source: PodReference
  public var targetNode: String
  public var sourcePolicy: SourcePolicy
  public var labels: [String: String]

  public init(source: PodReference, targetNode: String, sourcePolicy: SourcePolicy = .delete, labels: [String: String] = [:]) {
    self.source = source
    self.targetNode = targetNode
    self.sourcePolicy = sourcePolicy
    self.labels = labels
  }
}
