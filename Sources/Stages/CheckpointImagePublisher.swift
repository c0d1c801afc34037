import Core
import Crypto
import Foundation
import HTTPClient
import OCI
import Registry

/// Describes a checkpoint archive as an image and publishes it: the work of the build and push
/// stages, shared with `podhop image push`.
public struct CheckpointImagePublisher: Sendable {
  let registry: RegistryClient

  public init(registry: RegistryClient) { self.registry = registry }

  /// Validates the archive and computes the image (layer digests in one pass, config, manifest)
  /// without writing anything; also returns the base image the archive names.
  public static func describe(
    archive: String, container: String?, migrationID: String?, os: String, architecture: String, compression: Compression
  ) async throws(ImageError) -> (image: BuiltImage, baseImage: String?) {
    let inspected = try await ImageBuilder.inspect(archive: archive)
    guard let name = container ?? inspected.metadata.containerName else {
      throw ImageError(.invalidMetadata, "the archive does not name its container; give it explicitly")
    }
    var spec = CheckpointImageSpec(metadata: inspected.metadata, containerName: name, migrationID: migrationID, created: Date())
    spec.os = os
    spec.architecture = architecture
    let layer = try await ImageBuilder.computeDigests(archive: archive, compression: compression)
    let image = CheckpointImage(spec: spec, layer: layer)
    let built = BuiltImage(
      manifest: image.manifest, config: image.config, layerDigest: layer.digest, layerSize: layer.size,
      layerMediaType: layer.mediaType, compression: compression.rawValue)
    return (built, inspected.metadata.rootfsImageName ?? inspected.metadata.rootfsImage)
  }

  /// Uploads the config, the layer (streamed from `archive`, compressed on the way as `built`
  /// says) and the manifest; blobs the registry has are skipped. Returns the manifest digest.
  public func publish(_ built: BuiltImage, archive: String, to reference: RegistryReference) async throws -> String {
    guard let compression = Compression(rawValue: built.compression) else {
      throw ImageError(.invalidMetadata, "unknown compression \(built.compression)")
    }
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
        open: { try LayerBodySource(archive: archive, compression: compression) }),
      progress: nil)
    return try await registry.pushManifest(reference, manifest: built.manifest, mediaType: CheckpointImage.manifestMediaType)
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
