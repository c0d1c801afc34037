import Core
import Crypto
import Foundation
import HTTPClient
import OCI
import Registry
import Synchronization

/// Publishes a checkpoint archive as an image in one pass: the layer is compressed and hashed
/// while it uploads (its digest is given to the registry at the end), then the config and the
/// manifest are written from what that pass learned. Shared by the push stage and
/// `podhop image push`.
public struct CheckpointImagePublisher: Sendable {
  let registry: RegistryClient

  public init(registry: RegistryClient) { self.registry = registry }

  /// Validates the archive and describes the image it becomes; returns the spec and the base
  /// image the archive names.
  public static func inspect(
    archive: String, container: String?, migrationID: String?, os: String, architecture: String
  ) async throws(ImageError) -> (spec: CheckpointImageSpec, baseImage: String?) {
    let inspected = try await ImageBuilder.inspect(archive: archive)
    guard let name = container ?? inspected.metadata.containerName else {
      throw ImageError(.invalidMetadata, "the archive does not name its container; give it explicitly")
    }
    var spec = CheckpointImageSpec(metadata: inspected.metadata, containerName: name, migrationID: migrationID, created: Date())
    spec.os = os
    spec.architecture = architecture
    return (spec, inspected.metadata.rootfsImageName ?? inspected.metadata.rootfsImage)
  }

  /// What a publish produced.
  public struct Published: Sendable {
    public var manifestDigest: String
    public var layer: LayerDigests
  }

  /// Uploads the layer (streamed from `archive`, compressed on the way), then the config and
  /// the manifest. Throws `RegistryError` or `ImageError`.
  ///
  /// `progress` gets, after each piece of the layer upload, the bytes of the archive read into
  /// the layer so far and the archive's size (a retried upload starts again from 0).
  public func publish(
    archive: String, spec: CheckpointImageSpec, compression: Compression, to reference: RegistryReference,
    progress: StageProgress = .ignored
  ) async throws -> Published {
    // Each upload attempt reads the archive anew; the last stream holds the layer's digests.
    let latest = LatestStream()
    _ = try await registry.pushStreamedBlob(reference) {
      let stream = try LayerStream(archive: archive, compression: compression)
      latest.stream.withLock { $0 = stream }
      return StreamedBlob(source: LayerBodySource(stream, progress: progress), digest: { stream.result?.digest })
    }
    guard let layer = latest.stream.withLock({ $0?.result }) else {
      throw ImageError(.io, "the layer upload ended without its digests")
    }
    let image = CheckpointImage(spec: spec, layer: layer)
    let config = image.config
    try await registry.pushBlob(
      reference,
      BlobUpload(
        digest: "sha256:" + SHA256.hexDigest(config), size: Int64(config.count), mediaType: CheckpointImage.configMediaType,
        open: { ByteBodySource(config) }),
      progress: nil)
    let digest = try await registry.pushManifest(
      reference, manifest: image.manifest, mediaType: CheckpointImage.manifestMediaType)
    return Published(manifestDigest: digest, layer: layer)
  }
}

/// The layer stream of the current upload attempt.
private final class LatestStream: Sendable {
  let stream = Mutex<LayerStream?>(nil)
}

/// A layer stream as an upload body, reporting how much of the archive it has read.
final class LayerBodySource: BodySource {
  private let stream: LayerStream
  private let progress: StageProgress

  init(_ stream: LayerStream, progress: StageProgress) {
    self.stream = stream
    self.progress = progress
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let count = try stream.read(into: buffer)
    let (read, size) = stream.archiveProgress
    progress.report(bytesDone: read, bytesTotal: size)
    return count
  }

  func rewind() throws {
    try stream.rewind()
    progress.report(bytesDone: 0, bytesTotal: stream.archiveProgress.total)
  }
}
