import Crypto

/// The single-threaded engine behind ``LayerStream``: reads the archive, hashes it (diffID),
/// compresses it and hashes the result (digest).
///
/// The compressor always writes into an internal output buffer of fixed size, and reads are
/// served from it: ISA-L's bitstream depends on how much output room each call gets, so writing
/// straight into callers' buffers made the bytes, and the digest, depend on the reader (the
/// build pass and the upload pass read with different sizes).
///
/// Memory is fixed: 1 MiB input and 1 MiB output buffers (compressed layers only) plus the
/// compressor's own state (ISA-L ~0.5 MiB, zlib ~0.3 MiB, zstd level 3 ~3 MiB), whatever the
/// archive's size. Ownership: both buffers are allocated in `init` and freed in `deinit`; the
/// file and the compressor free their own C resources.
struct LayerEncoder: ~Copyable {
  static let inputBufferSize = 1 << 20

  let archivePath: String
  let compression: Compression
  let gzipEngine: GzipEngine
  private let file: ArchiveFile
  private let expectedSize: Int64
  private var compressor: (any LayerCompressor)?
  private let input: UnsafeMutableRawBufferPointer
  private let output: UnsafeMutableRawBufferPointer
  /// Compressed bytes in `output` not yet handed to a reader.
  private var outputStart = 0
  private var outputEnd = 0
  private var inputStart = 0
  private var inputEnd = 0
  private var inputEnded = false
  private var compressionDone = false
  private var archiveHasher: SHA256?
  private var layerHasher: SHA256?
  private var archiveBytes: Int64 = 0
  private var layerBytes: Int64 = 0
  private(set) var result: LayerDigests?

  /// Archive bytes read so far (into the compressor, or straight out when uncompressed), and
  /// the archive's size at open.
  var archiveProgress: (read: Int64, size: Int64) { (archiveBytes, expectedSize) }

  init(archive path: String, compression: Compression, gzipEngine: GzipEngine) throws(ImageError) {
    // Everything that can throw runs before the first stored property is set: a noncopyable
    // struct cannot be left half-initialised.
    let file = try ArchiveFile(path: path)
    let expectedSize = try file.size()
    let compressor = try makeCompressor(compression, gzipEngine: gzipEngine)
    file.adviseSequential()
    archivePath = path
    self.compression = compression
    self.gzipEngine = gzipEngine
    self.file = file
    self.expectedSize = expectedSize
    self.compressor = compressor
    // `.none` reads straight into the caller's buffer and needs no input buffer.
    input = .allocate(byteCount: compression == .none ? 0 : Self.inputBufferSize, alignment: 64)
    output = .allocate(byteCount: compression == .none ? 0 : Self.inputBufferSize, alignment: 64)
    archiveHasher = SHA256()
    layerHasher = SHA256()
  }

  deinit {
    input.deallocate()
    output.deallocate()
  }

  /// Starts over from the first byte, with fresh hashers and compressor.
  mutating func rewind() throws(ImageError) {
    try file.seek(to: 0)
    compressor = try makeCompressor(compression, gzipEngine: gzipEngine)
    inputStart = 0
    inputEnd = 0
    outputStart = 0
    outputEnd = 0
    inputEnded = false
    compressionDone = false
    archiveHasher = SHA256()
    layerHasher = SHA256()
    archiveBytes = 0
    layerBytes = 0
    result = nil
  }

  /// Writes the next layer bytes into `buffer`; returns 0 once the layer is complete, after
  /// which ``result`` holds the digests.
  mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
    precondition(buffer.count > 0, "LayerStream.read needs a non-empty buffer: 0 means end of layer")
    if result != nil { return 0 }
    guard compressor != nil else { return try readUncompressed(into: buffer) }
    if outputStart == outputEnd {
      guard try compressMore() else {
        try finish()
        return 0
      }
    }
    let count = min(buffer.count, outputEnd - outputStart)
    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: output[outputStart..<outputStart + count]))
    outputStart += count
    return count
  }

  /// Refills `output` with the next compressed bytes; false once the compressed stream ended.
  private mutating func compressMore() throws(ImageError) -> Bool {
    guard let compressor, !compressionDone else { return false }
    var idleRounds = 0
    while true {
      if inputStart == inputEnd && !inputEnded {
        let count = try file.read(into: input)
        if count == 0 {
          inputEnded = true
        } else {
          let chunk = UnsafeRawBufferPointer(rebasing: input[..<count])
          archiveHasher!.update(chunk)
          archiveBytes += Int64(count)
          inputStart = 0
          inputEnd = count
        }
      }
      let window = UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd])
      let step = try compressor.compress(input: window, output: output, finish: inputEnded)
      inputStart += step.consumed
      if step.done { compressionDone = true }
      if step.produced > 0 {
        layerHasher!.update(UnsafeRawBufferPointer(rebasing: output[..<step.produced]))
        layerBytes += Int64(step.produced)
        outputStart = 0
        outputEnd = step.produced
        return true
      }
      if step.done { return false }
      // No output yet: the compressor buffered the input and wants more. Anything else that
      // repeats without progress is a compressor bug; fail rather than spin.
      if step.consumed == 0 && (inputStart < inputEnd || inputEnded) {
        idleRounds += 1
        if idleRounds > 4 {
          throw ImageError(.compression, "\(compression.rawValue) compressor made no progress")
        }
      }
    }
  }

  private mutating func readUncompressed(into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) -> Int {
    let count = try file.read(into: buffer)
    if count == 0 {
      try finish()
      return 0
    }
    archiveHasher!.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    archiveBytes += Int64(count)
    return count
  }

  private mutating func finish() throws(ImageError) {
    guard archiveBytes == expectedSize else {
      throw ImageError(
        .io,
        "\(archivePath) changed while it was read (\(expectedSize) bytes at open, \(archiveBytes) read); "
          + "do not modify an archive while its layer is built")
    }
    let diffID = "sha256:" + archiveHasher.take()!.finalize().hexString
    let layerDigest = "sha256:" + layerHasher.take()!.finalize().hexString
    result = LayerDigests(
      diffID: diffID,
      digest: compressor == nil ? diffID : layerDigest,
      size: compressor == nil ? archiveBytes : layerBytes,
      uncompressedSize: archiveBytes,
      mediaType: compression.layerMediaType)
  }
}
