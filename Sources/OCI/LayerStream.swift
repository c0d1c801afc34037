import Synchronization

/// A checkpoint archive turned into OCI layer bytes on the fly, with its digests computed in the
/// same pass.
///
/// Call ``read(into:)`` until it returns 0; then ``result`` holds the layer's `diffID` (sha256
/// of the archive), `digest` and `size` (of the bytes produced). Nothing is kept in memory
/// beyond fixed buffers (about 1-4 MiB depending on the compression), so a caller can upload
/// while compressing.
///
/// Threading: every call takes an internal lock, so the stream is `Sendable` and may be handed
/// to another thread (for example a libcurl read callback); calls are serialised, not parallel,
/// and the bytes only make sense to one consumer. `read` blocks on disk and CPU: call it from a
/// dedicated thread, never from Swift's cooperative pool.
public final class LayerStream: Sendable {
  /// The archive this stream reads.
  public let archivePath: String
  /// The compression of the produced bytes.
  public let compression: Compression
  private let encoder: Mutex<LayerEncoder>

  /// Opens `archive path` for streaming as a layer compressed with `compression`.
  ///
  /// Throws ``ImageError/Code/io`` when the file cannot be opened and
  /// ``ImageError/Code/compression`` when the compressor cannot be set up. The archive is not
  /// validated here; use ``CheckpointArchive`` first.
  public init(
    archive path: String, compression: Compression, gzipEngine: GzipEngine = .preferred
  ) throws(ImageError) {
    archivePath = path
    self.compression = compression
    encoder = Mutex(try LayerEncoder(archive: path, compression: compression, gzipEngine: gzipEngine))
  }

  /// Fills `buffer` with the next layer bytes and returns how many were written; 0 means the
  /// layer is complete (and ``result`` is set).
  ///
  /// `buffer` must not be empty. It may be any size; larger buffers (256 KiB-1 MiB) are faster.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
    // The caller's buffer is used only while this call runs and the caller waits for it, so
    // it is safe to carry into the lock's closure; the wrapper just says so to the compiler.
    let target = CallerBuffer(buffer: buffer)
    return try encoder.withLock { (encoder) throws(ImageError) -> Int in try encoder.read(into: target.buffer) }
  }

  /// Starts the layer again from its first byte (for retrying an upload).
  public func rewind() throws(ImageError) {
    try encoder.withLock { (encoder) throws(ImageError) in try encoder.rewind() }
  }

  /// How many bytes of the archive the stream has read so far (a compressor's buffer ahead
  /// of the bytes produced), and the archive's size when it was opened.
  public var archiveProgress: (read: Int64, size: Int64) {
    encoder.withLock { $0.archiveProgress }
  }

  /// The digests, once ``read(into:)`` has returned 0; `nil` before.
  public var result: LayerDigests? {
    encoder.withLock { $0.result }
  }
}

/// A caller's buffer carried into ``LayerStream``'s lock for the duration of one synchronous
/// call. `@unchecked Sendable` is sound because the pointer never outlives the call and the
/// caller does not touch the buffer while it waits.
private struct CallerBuffer: @unchecked Sendable {
  let buffer: UnsafeMutableRawBufferPointer
}
