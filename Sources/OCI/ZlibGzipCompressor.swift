import CZlib

/// gzip level 1 with zlib's `deflate`: the fallback where ISA-L is unavailable.
///
/// Ownership: the `z_stream` is heap-allocated here because zlib's internal state points back
/// at it (it must not move); `deflateInit2` allocates zlib's state, `deflateEnd` in `deinit`
/// frees it, and then this type frees the `z_stream` itself.
final class ZlibGzipCompressor: LayerCompressor {
  private let stream: UnsafeMutablePointer<z_stream>

  init() throws(ImageError) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let status = podhop_deflate_init_gzip(stream, 1)
    guard status == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw ImageError(.compression, "zlib deflateInit2 failed with status \(status) (out of memory?)")
    }
  }

  deinit {
    deflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  func compress(
    input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, finish: Bool
  ) throws(ImageError) -> (consumed: Int, produced: Int, done: Bool) {
    let inCount = min(input.count, Int(UInt32.max))
    let outCount = min(output.count, Int(UInt32.max))
    // zlib only reads through next_in; the mutable cast is what its C signature demands.
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(inCount)
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = uInt(outCount)
    let flush = (finish && inCount == input.count) ? Z_FINISH : Z_NO_FLUSH
    let status = deflate(stream, flush)
    // Z_BUF_ERROR only means "no progress possible with these windows", which is not fatal.
    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
      throw ImageError(.compression, "zlib deflate failed with status \(status)")
    }
    let consumed = inCount - Int(stream.pointee.avail_in)
    let produced = outCount - Int(stream.pointee.avail_out)
    return (consumed, produced, status == Z_STREAM_END)
  }
}
