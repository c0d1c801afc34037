import Core
import OCI

/// Validates the checkpoint archive before anything is uploaded (relative paths only, no `..`,
/// no escaping links, no devices; `config.dump`, `spec.dump` and `checkpoint/` present) and
/// records the base image the target node needs. The image itself is produced by push, in one
/// pass over the archive.
public struct BuildStage: StageExecutor {
  let settings: StageSettings

  public init(settings: StageSettings) { self.settings = settings }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    guard let archive = job.checkpoint?.archive, let container = job.source.container else {
      throw StageError.terminal("the checkpoint stage recorded no archive; retry the migration from checkpoint")
    }
    let local = try CheckpointLocation(settings: settings).localFile(forKubeletPath: archive, job: job, container: container)
    do {
      let metadata = try await ImageBuilder.inspect(archive: local).metadata
      return StageOutput(artifacts: StageArtifacts(baseImage: metadata.rootfsImageName ?? metadata.rootfsImage))
    } catch {
      throw error.code == .io
        ? StageError.retryable("reading the archive: \(error)") : StageError.terminal("the archive: \(error)")
    }
  }
}
