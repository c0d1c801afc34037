import CISAL

/// gzip level 1 with Intel ISA-L's `isal_deflate`.
///
/// Ownership: `stream` (an `isal_zstream`, ~200 KiB, too large and address-sensitive to live in a
/// Swift value) and `levelBuffer` (the level-1 working memory ISA-L requires the caller to
/// provide) are allocated here and freed in `deinit`. ISA-L itself allocates nothing.
final class IsalGzipCompressor: LayerCompressor {
  private let stream: UnsafeMutablePointer<isal_zstream>
  private let levelBuffer: UnsafeMutableRawBufferPointer

  init() throws(ImageError) {
    stream = .allocate(capacity: 1)
    // isal_zstream is plain C data (hundreds of KiB of tables); zero it in place rather than
    // building a Swift temporary on the stack, then let ISA-L set it up.
    UnsafeMutableRawPointer(stream).initializeMemory(
      as: UInt8.self, repeating: 0, count: MemoryLayout<isal_zstream>.size)
    levelBuffer = .allocate(byteCount: Int(podhop_isal_def_lvl1_default()), alignment: 64)
    isal_deflate_init(stream)
    stream.pointee.level = 1
    stream.pointee.level_buf = levelBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    stream.pointee.level_buf_size = UInt32(levelBuffer.count)
    stream.pointee.gzip_flag = podhop_isal_gzip_flag()
  }

  deinit {
    stream.deallocate()
    levelBuffer.deallocate()
  }

  func compress(
    input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, finish: Bool
  ) throws(ImageError) -> (consumed: Int, produced: Int, done: Bool) {
    // ISA-L counts in UInt32; LayerStream never passes windows near 4 GiB, but clamp anyway.
    let inCount = min(input.count, Int(UInt32.max))
    let outCount = min(output.count, Int(UInt32.max))
    // ISA-L only reads through next_in; the mutable cast is what its C signature demands.
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.pointee.avail_in = UInt32(inCount)
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
    stream.pointee.avail_out = UInt32(outCount)
    stream.pointee.end_of_stream = (finish && inCount == input.count) ? 1 : 0
    let status = isal_deflate(stream)
    guard status == podhop_isal_comp_ok() else {
      throw ImageError(.compression, "isal_deflate failed with status \(status); use GzipEngine.zlib to work around it")
    }
    let consumed = inCount - Int(stream.pointee.avail_in)
    let produced = outCount - Int(stream.pointee.avail_out)
    return (consumed, produced, podhop_isal_is_stream_end(stream) != 0)
  }
}
