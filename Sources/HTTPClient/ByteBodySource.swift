import Synchronization

/// A `BodySource` over bytes in memory; used for `RequestBody.bytes` and small uploads.
public final class ByteBodySource: BodySource {
  private let bytes: [UInt8]
  private let offset = Mutex(0)

  /// A body of `bytes`.
  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    offset.withLock { offset in
      let count = min(buffer.count, bytes.count - offset)
      guard count > 0 else { return 0 }
      bytes.withUnsafeBytes { source in
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
      }
      offset += count
      return count
    }
  }

  public func rewind() throws { offset.withLock { $0 = 0 } }
}
