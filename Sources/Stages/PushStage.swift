import Core
import Kubernetes
import OCI
import Registry

/// Publishes the checkpoint image, tagged per job: the layer compressed and hashed while it
/// uploads, then config and manifest (with the restore annotations). Records
/// `repository@digest` for restore. Reports progress as bytes of the archive read into the
/// layer upload, out of the archive's size.
public struct PushStage: StageExecutor {
  let kubernetes: KubernetesClient
  let registry: RegistryClient
  let settings: StageSettings

  public init(kubernetes: KubernetesClient, registry: RegistryClient, settings: StageSettings) {
    self.kubernetes = kubernetes
    self.registry = registry
    self.settings = settings
  }

  /// The repository for a job's image: `<registry>/<namespace>/<pod>`, one per source pod.
  static func repository(registry: String, job: MigrationJob) -> String {
    "\(registry)/\(job.source.namespace)/\(job.source.pod)"
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    guard let archive = job.checkpoint?.archive, let container = job.source.container, let sourceNode = job.sourceNode else {
      throw StageError.terminal("the checkpoint stage recorded no archive; retry the migration from checkpoint")
    }
    let local = try CheckpointLocation(settings: settings).localFile(forKubeletPath: archive, job: job, container: container)
    let node: Node
    do { node = try await kubernetes.node(sourceNode) } catch {
      throw StageError.from(error, while: "reading node \(sourceNode)")
    }
    let repositoryName = Self.repository(registry: settings.registry, job: job)
    let tag = "podhop-\(job.id.rawValue)"
    do {
      let (spec, _) = try await CheckpointImagePublisher.inspect(
        archive: local, container: container, migrationID: job.id.rawValue, os: node.operatingSystem,
        architecture: node.architecture)  // Kubernetes and OCI both use GOARCH names
      let reference = try RegistryReference.parse("\(repositoryName):\(tag)")
      let published = try await CheckpointImagePublisher(registry: registry).publish(
        archive: local, spec: spec, compression: settings.compression, to: reference, progress: progress)
      return StageOutput(image: ImageReference(repository: repositoryName, reference: tag, digest: published.manifestDigest))
    } catch let error as RegistryError {
      let message = "pushing to \(repositoryName): \(error)"
      if let after = error.retryAfter { throw StageError(.retry(after: after), message) }
      throw error.isRetryable ? StageError.retryable(message) : StageError.terminal(message)
    } catch let error as ImageError {
      let message = "pushing to \(repositoryName): \(error)"
      throw error.code == .io ? StageError.retryable(message) : StageError.terminal(message)
    }
  }
}
