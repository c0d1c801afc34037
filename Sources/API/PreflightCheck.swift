import Core

/// Runs the pre-flight checks for a request without creating a job (`POST /v1/preflight`).
/// Provided by the app from the pre-flight stage; throws `StageError` when the checks could not
/// run (the pod does not exist, the cluster did not answer).
public typealias PreflightCheck = @Sendable (NewMigration) async throws -> PreflightResult

/// What `POST /v1/preflight` answers.
public struct PreflightResult: Sendable {
  public var report: PreflightReport
  public var sourceNode: String?
  public var container: String?

  public init(report: PreflightReport, sourceNode: String?, container: String?) {
    self.report = report
    self.sourceNode = sourceNode
    self.container = container
  }
}
