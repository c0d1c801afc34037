import Core

/// Chooses target nodes when callers name none: a plan for every pod of a node (evacuations),
/// or one node for one migration. Provided by the app from Stages' `EvacuationPlanner`; both
/// throw `StageError` (terminal: the request cannot be planned; retryable: the cluster did not
/// answer).
public struct TargetPlanning: Sendable {
  public var planEvacuation: @Sendable (EvacuationRequest) async throws -> EvacuationPlan
  public var chooseTarget: @Sendable (NewMigration) async throws -> EvacuationPlan.Move

  public init(
    planEvacuation: @escaping @Sendable (EvacuationRequest) async throws -> EvacuationPlan,
    chooseTarget: @escaping @Sendable (NewMigration) async throws -> EvacuationPlan.Move
  ) {
    self.planEvacuation = planEvacuation
    self.chooseTarget = chooseTarget
  }
}
