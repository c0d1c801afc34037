import Core
import Crypto
import HTTPClient
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
    guard let compression = Compression(rawValue: built.compression) else {
      throw StageError.terminal("the build stage recorded an unknown compression \(built.compression)")
    }
    let local = try CheckpointLocation(settings: settings).localFile(forKubeletPath: archive, job: job, container: container)
    let repositoryName = Self.repository(registry: settings.registry, job: job)
    let tag = "podhop-\(job.id.rawValue)"
    do {
      let reference = try RegistryReference.parse("\(repositoryName):\(tag)")
      let config = built.config
      try await registry.pushBlob(
        reference,
        BlobUpload(
          digest: "sha256:" + SHA256.hexDigest(config), size: Int64(config.count), mediaType: CheckpointImage.configMediaType,
          open: { ByteBodySource(config) }),
        progress: nil)
      try await registry.pushBlob(
        reference,
        BlobUpload(
          digest: built.layerDigest, size: built.layerSize, mediaType: built.layerMediaType,
          open: { try LayerBodySource(archive: local, compression: compression) }),
        progress: nil)
      let digest = try await registry.pushManifest(
        reference, manifest: built.manifest, mediaType: CheckpointImage.manifestMediaType)
      return StageOutput(image: ImageReference(repository: repositoryName, reference: tag, digest: digest))
    } catch let error as RegistryError {
      let message = "pushing to \(repositoryName): \(error)"
      if let after = error.retryAfter { throw StageError(.retry(after: after), message) }
      throw error.isRetryable ? StageError.retryable(message) : StageError.terminal(message)
    }
  }
}

/// The layer's bytes for an upload, produced from the archive as the build stage described
/// them (the registry checks the digest).
final class LayerBodySource: BodySource {
  private let stream: LayerStream

  init(archive: String, compression: Compression) throws {
    stream = try LayerStream(archive: archive, compression: compression)
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try stream.read(into: buffer) }

  func rewind() throws { try stream.rewind() }
}
