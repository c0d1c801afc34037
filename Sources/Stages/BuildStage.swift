import Core

/// Validates the checkpoint archive before anything is uploaded (relative paths only, no `..`,
/// no escaping links, no devices; `config.dump`, `spec.dump` and `checkpoint/` present), where
/// the archive is (in process or on the node agent), and records the base image the target
/// node needs. The image itself is produced by push, in one pass over the archive.
public struct BuildStage: StageExecutor {
  let archives: any CheckpointArchiveHost
  let settings: StageSettings

  public init(archives: any CheckpointArchiveHost, settings: StageSettings) {
    self.archives = archives
    self.settings = settings
  }

  public func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    let file = try CheckpointLocation.archiveName(job, settings: settings)
    guard let node = job.sourceNode else {
      throw StageError.terminal("pre-flight recorded no source node; retry the migration from pre-flight")
    }
    let inspection = try await archives.inspect(file, node: node)
    return StageOutput(artifacts: StageArtifacts(baseImage: inspection.baseImage))
  }
}
