import CZstd

/// Zstandard streaming compression with `ZSTD_compressStream2`, single-threaded.
///
/// Ownership: `ZSTD_createCCtx` allocates the context here and `ZSTD_freeCCtx` in `deinit` frees
/// it. The context copies input into its own window, so callers may reuse their buffers.
final class ZstdCompressor: LayerCompressor {
  private let context: OpaquePointer

  init(level: Int32) throws(ImageError) {
    guard let context = ZSTD_createCCtx() else {
      throw ImageError(.compression, "ZSTD_createCCtx failed (out of memory?)")
    }
    self.context = context
    // No worker threads: the caller already runs us on a dedicated thread, and workers would
    // multiply memory use. Checksum on, like the zstd CLI, so corruption is detected.
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set compression level")
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, 0), "set nbWorkers")
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "enable checksums")
  }

  deinit {
    ZSTD_freeCCtx(context)
  }

  func compress(
    input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, finish: Bool
  ) throws(ImageError) -> (consumed: Int, produced: Int, done: Bool) {
    var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
    var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
    let directive = finish ? ZSTD_e_end : ZSTD_e_continue
    let remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
    try check(remaining, "compress")
    // With ZSTD_e_end, a return of 0 means the frame is complete and fully flushed.
    return (inBuffer.pos, outBuffer.pos, finish && remaining == 0 && inBuffer.pos == input.count)
  }

  private func check(_ result: Int, _ operation: String) throws(ImageError) {
    if ZSTD_isError(result) != 0 {
      throw ImageError(.compression, "zstd failed to \(operation): \(String(cString: ZSTD_getErrorName(result)))")
    }
  }
}
