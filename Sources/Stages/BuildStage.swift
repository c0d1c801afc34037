import Core
import Kubernetes
import OCI

/// Validates the archive and describes the checkpoint image: the layer's digests in one pass
/// over the archive (compressed as configured), then the config and the manifest with the
/// restore annotations. Nothing large is written: push streams the layer again.
public struct BuildStage: StageExecutor {
  let kubernetes: KubernetesClient
  let settings: StageSettings

  public init(kubernetes: KubernetesClient, settings: StageSettings) {
    self.kubernetes = kubernetes
    self.settings = settings
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts) async throws -> StageOutput {
    guard let archive = job.checkpoint?.archive, let container = job.source.container, let sourceNode = job.sourceNode else {
      throw StageError.terminal("the checkpoint stage recorded no archive; retry the migration from checkpoint")
    }
    let local = try CheckpointLocation(settings: settings).localFile(forKubeletPath: archive, job: job, container: container)
    let node: Node
    do { node = try await kubernetes.node(sourceNode) } catch {
      throw StageError.from(error, while: "reading node \(sourceNode)")
    }
    do {
      let (built, baseImage) = try await CheckpointImagePublisher.describe(
        archive: local, container: container, migrationID: job.id.rawValue, os: node.operatingSystem,
        architecture: node.architecture,  // Kubernetes and OCI both use GOARCH names
        compression: settings.compression)
      return StageOutput(artifacts: StageArtifacts(baseImage: baseImage, builtImage: built))
    } catch {
      throw error.code == .io
        ? StageError.retryable("building the image: \(error)") : StageError.terminal("building the image: \(error)")
    }
  }
}
