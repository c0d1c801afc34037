import Core
import Kubernetes

/// Publishes the checkpoint image, tagged per job: the layer compressed and hashed while it
/// uploads, then config and manifest (with the restore annotations), in this process or on the
/// source node's agent. Records `repository@digest` for restore. Reports progress as bytes of
/// the archive read into the layer upload, out of the archive's size.
public struct PushStage: StageExecutor {
  let kubernetes: KubernetesClient
  let archives: any CheckpointArchiveHost
  let settings: StageSettings

  public init(kubernetes: KubernetesClient, archives: any CheckpointArchiveHost, settings: StageSettings) {
    self.kubernetes = kubernetes
    self.archives = archives
    self.settings = settings
  }

  /// The repository for a job's image: `<registry>/<namespace>/<pod>`, one per source pod.
  static func repository(registry: String, job: MigrationJob) -> String {
    "\(registry)/\(job.source.namespace)/\(job.source.pod)"
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    let file = try CheckpointLocation.archiveName(job, settings: settings)
    guard let container = job.source.container, let sourceNode = job.sourceNode else {
      throw StageError.terminal("pre-flight recorded no source node or container; retry the migration from pre-flight")
    }
    let node: Node
    do { node = try await kubernetes.node(sourceNode) } catch {
      throw StageError.from(error, while: "reading node \(sourceNode)")
    }
    let repositoryName = Self.repository(registry: settings.registry, job: job)
    let tag = "podhop-\(job.id.rawValue)"
    let digest = try await archives.publish(
      file, node: sourceNode,
      PublicationRequest(
        migrationID: job.id.rawValue, archive: file, container: container, reference: "\(repositoryName):\(tag)",
        compression: settings.compression, os: node.operatingSystem,
        architecture: node.architecture), progress: progress)  // Kubernetes and OCI both use GOARCH names
    return StageOutput(image: ImageReference(repository: repositoryName, reference: tag, digest: digest))
  }
}
