import Core
import OCI
import Registry

/// Uploads the config, the layer (streamed from the archive, compressed again on the way) and
/// the manifest, tagged per job; blobs the registry has are skipped. Records `repository@digest`
/// for restore.
public struct PushStage: StageExecutor {
  let registry: RegistryClient
  let settings: StageSettings

  public init(registry: RegistryClient, settings: StageSettings) {
    self.registry = registry
    self.settings = settings
  }

  /// The repository for a job's image: `<registry>/<namespace>/<pod>`, one per source pod.
  static func repository(registry: String, job: MigrationJob) -> String {
    "\(registry)/\(job.source.namespace)/\(job.source.pod)"
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts) async throws -> StageOutput {
    guard let built = artifacts.builtImage, let archive = job.checkpoint?.archive, let container = job.source.container else {
      throw StageError.terminal("the build stage recorded no image; retry the migration from build")
    }
    let local = try CheckpointLocation(settings: settings).localFile(forKubeletPath: archive, job: job, container: container)
    let repositoryName = Self.repository(registry: settings.registry, job: job)
    let tag = "podhop-\(job.id.rawValue)"
    do {
      let reference = try RegistryReference.parse("\(repositoryName):\(tag)")
      let digest = try await CheckpointImagePublisher(registry: registry).publish(built, archive: local, to: reference)
      return StageOutput(image: ImageReference(repository: repositoryName, reference: tag, digest: digest))
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
