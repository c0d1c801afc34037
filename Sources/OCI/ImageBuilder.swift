/// Builds checkpoint images from kubelet archives, off Swift's cooperative pool.
public enum ImageBuilder {
  /// What a build produced.
  public struct Result: Sendable, Equatable {
    /// The manifest's descriptor; its digest is the image's identity (`name@digest`).
    public let manifest: OCIDescriptor
    /// The config's descriptor.
    public let config: OCIDescriptor
    /// The layer's digests.
    public let layer: LayerDigests
    /// The manifest annotations that were written.
    public let annotations: [String: String]

    /// The manifest digest, `sha256:<hex>`.
    public var manifestDigest: String { manifest.digest }
  }

  /// Validates `archive`, writes it as a one-layer checkpoint image into the OCI layout at
  /// `layoutDirectory` and tags it `tag`.
  ///
  /// The archive is read twice: once to walk its headers (cheap) and once to stream it into the
  /// layer blob while hashing and compressing. Runs on a dedicated queue; cancelling the calling
  /// task stops it within one 1 MiB chunk and removes the partial blob. Throws
  /// ``ImageError/Code/unsafeArchive`` for archives that must not become a layer as they are.
  public static func buildLayout(
    archive: String, spec: CheckpointImageSpec, compression: Compression, layoutDirectory: String, tag: String,
    gzipEngine: GzipEngine = .preferred
  ) async throws(ImageError) -> Result {
    try await BlockingWork.run { (flag) throws(ImageError) -> Result in
      try buildLayoutBlocking(
        archive: archive, spec: spec, compression: compression, layoutDirectory: layoutDirectory, tag: tag,
        gzipEngine: gzipEngine, isCancelled: { flag.isCancelled })
    }
  }

  /// The synchronous form of ``buildLayout(archive:spec:compression:layoutDirectory:tag:gzipEngine:)``
  /// for callers that already run on their own thread. Blocks for seconds per GiB.
  public static func buildLayoutBlocking(
    archive: String, spec: CheckpointImageSpec, compression: Compression, layoutDirectory: String, tag: String,
    gzipEngine: GzipEngine = .preferred, isCancelled: () -> Bool = { false }
  ) throws(ImageError) -> Result {
    _ = try CheckpointArchive(validating: archive)
    let layout = try OCILayout(directory: layoutDirectory)
    let stream = try LayerStream(archive: archive, compression: compression, gzipEngine: gzipEngine)
    let layer = try layout.writeLayer(stream, isCancelled: isCancelled)
    let image = CheckpointImage(spec: spec, layer: layer)
    try layout.writeImage(image, tag: tag)
    return Result(
      manifest: image.manifestDescriptor, config: image.configDescriptor, layer: layer,
      annotations: image.annotations)
  }

  /// Validates `archive` and reads its metadata on the blocking queue.
  public static func inspect(archive: String) async throws(ImageError) -> CheckpointArchive {
    try await BlockingWork.run { (_) throws(ImageError) -> CheckpointArchive in
      try CheckpointArchive(validating: archive)
    }
  }

  /// Computes a layer's digests without keeping its bytes (see ``LayerDigests/compute(archive:compression:gzipEngine:isCancelled:)``),
  /// on the blocking queue.
  public static func computeDigests(
    archive: String, compression: Compression, gzipEngine: GzipEngine = .preferred
  ) async throws(ImageError) -> LayerDigests {
    try await BlockingWork.run { (flag) throws(ImageError) -> LayerDigests in
      try LayerDigests.compute(
        archive: archive, compression: compression, gzipEngine: gzipEngine, isCancelled: { flag.isCancelled })
    }
  }
}
