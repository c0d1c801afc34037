/// The identity of one layer: what an image config and a manifest say about it.
public struct LayerDigests: Sendable, Equatable, Hashable {
  /// `sha256:<hex>` of the uncompressed archive; goes into the config's `rootfs.diff_ids`.
  public let diffID: String
  /// `sha256:<hex>` of the layer bytes as pushed; equals `diffID` for ``Compression/none``.
  public let digest: String
  /// Size of the layer bytes as pushed.
  public let size: Int64
  /// Size of the uncompressed archive.
  public let uncompressedSize: Int64
  /// The OCI layer media type (see ``Compression/layerMediaType``).
  public let mediaType: String

  /// Creates digests from known values (for example, ones persisted by an earlier stage).
  public init(diffID: String, digest: String, size: Int64, uncompressedSize: Int64, mediaType: String) {
    self.diffID = diffID
    self.digest = digest
    self.size = size
    self.uncompressedSize = uncompressedSize
    self.mediaType = mediaType
  }

  /// Runs the layer stream to its end without keeping the output, to learn the digest and size
  /// before an upload.
  ///
  /// Blocks for as long as compressing the whole archive takes (seconds per GiB): call it from a
  /// dedicated thread, or use ``ImageBuilder/computeDigests(archive:compression:gzipEngine:)``
  /// from async code.
  public static func compute(
    archive path: String, compression: Compression, gzipEngine: GzipEngine = .preferred,
    isCancelled: () -> Bool = { false }
  ) throws(ImageError) -> LayerDigests {
    var encoder = try LayerEncoder(archive: path, compression: compression, gzipEngine: gzipEngine)
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { scratch.deallocate() }
    while try encoder.read(into: scratch) > 0 {
      if isCancelled() { throw ImageError(.cancelled, "computing the layer digest of \(path) was cancelled") }
    }
    return encoder.result!
  }
}
