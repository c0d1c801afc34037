/// How a layer's bytes are compressed, and the OCI media type that says so.
///
/// The raw values are persisted and appear in the API; they never change.
public enum Compression: String, Sendable, CaseIterable, Codable {
  /// The checkpoint archive itself is the layer (`digest == diffID`).
  case none
  /// gzip, level 1 (ISA-L by default, see ``GzipEngine``).
  case gzip
  /// Zstandard, level 3, single-threaded.
  case zstd

  /// The OCI layer media type for this compression.
  public var layerMediaType: String {
    switch self {
    case .none: "application/vnd.oci.image.layer.v1.tar"
    case .gzip: "application/vnd.oci.image.layer.v1.tar+gzip"
    case .zstd: "application/vnd.oci.image.layer.v1.tar+zstd"
    }
  }
}

/// Which library produces gzip layers.
///
/// Both write a standard gzip member at level 1; the bytes differ (ISA-L's output is about 1.5%
/// larger) but both decompress to the same archive. ISA-L is about 4-5 times faster.
public enum GzipEngine: String, Sendable, CaseIterable {
  /// Intel ISA-L `isal_deflate`, level 1.
  case isal
  /// zlib `deflate`, level 1: the fallback for platforms without an ISA-L build.
  case zlib

  /// The engine used when the caller does not choose: ISA-L on the architectures it has
  /// optimised code for, zlib elsewhere.
  public static var preferred: GzipEngine {
    #if arch(x86_64) || arch(arm64)
      .isal
    #else
      .zlib
    #endif
  }
}

/// One streaming compressor, fed input and output windows by ``LayerStream``.
///
/// Implementations own their C state and free it in `deinit`. They are used from one thread at a
/// time (the thread that owns the `LayerStream`).
protocol LayerCompressor: AnyObject {
  /// Compresses from `input` into `output`.
  ///
  /// `finish` says `input` holds the last bytes of the stream. Returns how many input bytes were
  /// consumed, how many output bytes were written, and whether the stream is complete (only
  /// ever `true` when `finish` is and every byte, trailer included, has been written).
  func compress(
    input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, finish: Bool
  ) throws(ImageError) -> (consumed: Int, produced: Int, done: Bool)
}

func makeCompressor(_ compression: Compression, gzipEngine: GzipEngine) throws(ImageError) -> (any LayerCompressor)? {
  switch compression {
  case .none: return nil
  case .gzip:
    switch gzipEngine {
    case .isal: return try IsalGzipCompressor()
    case .zlib: return try ZlibGzipCompressor()
    }
  case .zstd: return try ZstdCompressor(level: 3)
  }
}
