import Core
import Kubernetes

/// Checks everything that can be checked before anything is frozen, records the report and the
/// source pod (restore needs it even after the source is gone), and refuses with every failed
/// check named.
public struct PreflightStage: StageExecutor {
  let kubernetes: KubernetesClient

  public init(kubernetes: KubernetesClient) { self.kubernetes = kubernetes }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    let output = try await check(job)
    guard let report = output.preflight, report.passed else {
      throw StageError(.terminal, "pre-flight refused: \(output.preflight?.failureSummary ?? "")", output: output)
    }
    return output
  }

  /// Runs the checks and returns the report with what pre-flight learned, refused or not; for
  /// `POST /v1/preflight`, which creates no job.
  public func check(_ job: MigrationJob) async throws -> StageOutput {
    let pod: Pod
    do {
      pod = try await kubernetes.pod(namespace: job.source.namespace, name: job.source.pod)
    } catch let error as KubernetesError where error.code == .notFound {
      throw StageError.terminal("pod \(job.source.namespace)/\(job.source.pod) does not exist")
    } catch let error as KubernetesError {
      throw StageError.from(error, while: "reading pod \(job.source.namespace)/\(job.source.pod)")
    }
    let sourceNode = try await node(pod.nodeName)
    let targetNode = try await node(job.targetNode)
    let checks = PreflightChecks(job: job, pod: pod, sourceNode: sourceNode, targetNode: targetNode)
    let report = checks.report()
    return StageOutput(
      sourceNode: pod.nodeName, container: checks.container, preflight: report,
      artifacts: StageArtifacts(sourcePod: pod.json.bytes))
  }

  /// The node, or nil when it does not exist (a failed check, not an error).
  private func node(_ name: String?) async throws -> Node? {
    guard let name, !name.isEmpty else { return nil }
    do {
      return try await kubernetes.node(name)
    } catch let error as KubernetesError where error.code == .notFound {
      return nil
    } catch let error as KubernetesError {
      throw StageError.from(error, while: "reading node \(name)")
    }
  }
}
