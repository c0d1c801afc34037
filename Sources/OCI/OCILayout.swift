import Foundation

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/<hex>`), as read by
/// `skopeo`, `umoci` and `podman load`.
///
/// Blobs are written under a temporary name and renamed into place, so a crash never leaves a
/// blob whose content does not match its name. Writing is idempotent: rewriting a blob or tag
/// with the same content changes nothing. All methods block on disk I/O; call them from a
/// dedicated thread (``ImageBuilder`` does).
public struct OCILayout: Sendable {
  /// The layout's root directory.
  public let directory: String

  /// Opens the layout at `directory`, creating the directory, `blobs/sha256` and `oci-layout` if
  /// missing.
  public init(directory: String) throws(ImageError) {
    self.directory = directory
    do {
      try FileManager.default.createDirectory(atPath: blobDirectory, withIntermediateDirectories: true)
    } catch {
      throw ImageError(.io, "creating \(blobDirectory) failed: \(error.localizedDescription)")
    }
    let marker = directory + "/oci-layout"
    if !FileManager.default.fileExists(atPath: marker) {
      try writeFile(Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8), to: marker)
    }
  }

  /// `blobs/sha256` inside the layout.
  public var blobDirectory: String { directory + "/blobs/sha256" }

  /// The path of the blob with `digest` (`sha256:<hex>`).
  public func blobPath(_ digest: String) -> String {
    precondition(digest.hasPrefix("sha256:"), "OCI layouts written by podhop only hold sha256 blobs")
    return blobDirectory + "/" + digest.dropFirst("sha256:".count)
  }

  /// Writes `bytes` as the blob `digest` (which the caller computed).
  public func writeBlob(_ bytes: [UInt8], digest: String) throws(ImageError) {
    try writeFile(bytes, to: blobPath(digest))
  }

  /// Drains `stream` into a blob named after its digest and returns the digests.
  ///
  /// `isCancelled` is polled between 1 MiB chunks; when it returns `true` the partial blob is
  /// removed and ``ImageError/Code/cancelled`` is thrown.
  public func writeLayer(_ stream: LayerStream, isCancelled: () -> Bool = { false }) throws(ImageError) -> LayerDigests {
    let blob = try BlobFile(directory: blobDirectory)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while true {
      if isCancelled() { throw ImageError(.cancelled, "writing the layer of \(stream.archivePath) was cancelled") }
      let count = try stream.read(into: buffer)
      if count == 0 { break }
      try blob.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
    guard let digests = stream.result else {
      preconditionFailure("LayerStream returned 0 without a result")
    }
    try blob.commit(to: blobPath(digests.digest))
    return digests
  }

  /// Writes the config and manifest of `image` and points `tag` at the manifest in
  /// `index.json`, replacing an earlier manifest with the same tag. The layer blob must already
  /// be in the layout (see ``writeLayer(_:isCancelled:)``).
  public func writeImage(_ image: CheckpointImage, tag: String) throws(ImageError) {
    guard FileManager.default.fileExists(atPath: blobPath(image.layer.digest)) else {
      throw ImageError(.io, "the layer blob \(image.layer.digest) is not in \(directory); write the layer first")
    }
    try writeBlob(image.config, digest: image.configDescriptor.digest)
    try writeBlob(image.manifest, digest: image.manifestDescriptor.digest)
    let refName = "org.opencontainers.image.ref.name"
    var index = try readIndex() ?? OCIIndex(manifests: [])
    index.manifests.removeAll { $0.annotations?[refName] == tag }
    var descriptor = image.manifestDescriptor
    descriptor.annotations = [refName: tag]
    index.manifests.append(descriptor)
    try writeFile(CanonicalJSON.encode(index), to: directory + "/index.json")
  }

  private func readIndex() throws(ImageError) -> OCIIndex? {
    let path = directory + "/index.json"
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
      return try JSONDecoder().decode(OCIIndex.self, from: data)
    } catch {
      throw ImageError(.invalidMetadata, "\(path) is not an OCI index; remove it or use another layout directory")
    }
  }

  private func writeFile(_ bytes: [UInt8], to path: String) throws(ImageError) {
    let file = try BlobFile(directory: (path as NSString).deletingLastPathComponent)
    try file.write(bytes)
    try file.commit(to: path)
  }
}
