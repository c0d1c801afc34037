import Core
import Kubernetes

/// Applies the source policy: with `delete`, deletes the source pod once the restored pod is
/// Ready (checked again here, so a source is never deleted without a running copy); with
/// `keep`, leaves it.
public struct FinalizeStage: StageExecutor {
  let kubernetes: KubernetesClient

  public init(kubernetes: KubernetesClient) { self.kubernetes = kubernetes }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    guard job.sourcePolicy == .delete else { return .none }
    guard let restored = job.restoredPod else {
      throw StageError.terminal("the restore stage recorded no pod; the source pod was not deleted")
    }
    do {
      let pod = try await kubernetes.pod(namespace: restored.namespace, name: restored.name)
      guard pod.isReady else {
        throw StageError.retryable(
          "restored pod \(restored.namespace)/\(restored.name) is not Ready; the source pod is kept for now")
      }
      try await kubernetes.deletePod(namespace: job.source.namespace, name: job.source.pod)
      return .none
    } catch let error as KubernetesError {
      throw StageError.from(error, while: "finalizing (source pod \(job.source.namespace)/\(job.source.pod))")
    }
  }
}
