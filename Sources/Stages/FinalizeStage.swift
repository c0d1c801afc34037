import Core
import Kubernetes

/// Applies the source policy: with `delete`, deletes the source pod once the restored pod is
/// Ready (checked again here, so a source is never deleted without a running copy); with
/// `keep`, leaves it. Then, unless configured otherwise, deletes the checkpoint archive: it
/// holds the process's memory, secrets included, and is no longer needed once the image is in
/// the registry and restored.
public struct FinalizeStage: StageExecutor {
  let kubernetes: KubernetesClient
  let archives: any CheckpointArchiveHost
  let settings: StageSettings
  let logger: Logger

  public init(kubernetes: KubernetesClient, archives: any CheckpointArchiveHost, settings: StageSettings, logger: Logger) {
    self.kubernetes = kubernetes
    self.archives = archives
    self.settings = settings
    self.logger = logger
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    if job.sourcePolicy == .delete { try await deleteSource(job) }
    if settings.deleteArchives { await deleteArchive(job) }
    return .none
  }

  private func deleteSource(_ job: MigrationJob) async throws {
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
    } catch let error as KubernetesError {
      throw StageError.from(error, while: "finalizing (source pod \(job.source.namespace)/\(job.source.pod))")
    }
  }

  /// Best effort: the pod has moved, so a migration does not fail over its leftover archive;
  /// the agent's retention policy removes what is left here.
  private func deleteArchive(_ job: MigrationJob) async {
    guard let node = job.sourceNode, let file = try? CheckpointLocation.archiveName(job, settings: settings) else { return }
    do {
      try await archives.delete(file, node: node)
    } catch {
      logger.warning(
        "checkpoint archive not deleted; retention will remove it",
        ["migration.id": job.id.rawValue, "node": node, "error": String(describing: error)])
    }
  }
}
