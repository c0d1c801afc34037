import HTTPClient
import Synchronization

/// Wraps a blob's `BodySource` for one request: skips the first `skip` bytes (a resumed upload
/// continues at the registry's offset) and reports the absolute offset after each read.
///
/// Runs on the HTTP transfer thread, so skipping — reading and dropping bytes — happens off
/// Swift's cooperative pool.
final class UploadSource: BodySource {
  struct TooShort: Error, CustomStringConvertible {
    var description: String
  }

  private let base: any BodySource
  private let skip: Int64
  private let progress: (@Sendable (Int64) -> Void)?
  /// Bytes handed to libcurl so far (after the skipped prefix), and whether the prefix is skipped.
  private let state = Mutex<(sent: Int64, skipped: Bool)>((0, false))

  init(_ base: any BodySource, skip: Int64 = 0, progress: (@Sendable (Int64) -> Void)?) {
    self.base = base
    self.skip = skip
    self.progress = progress
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if !state.withLock({ $0.skipped }) {
      try skipPrefix()
      state.withLock { $0.skipped = true }
    }
    let count = try base.read(into: buffer)
    let offset = state.withLock { state in
      state.sent += Int64(count)
      return skip + state.sent
    }
    if count > 0 { progress?(offset) }
    return count
  }

  func rewind() throws {
    try base.rewind()
    state.withLock { $0 = (0, false) }
  }

  private func skipPrefix() throws {
    guard skip > 0 else { return }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { scratch.deallocate() }
    var remaining = skip
    while remaining > 0 {
      let want = Int(min(Int64(scratch.count), remaining))
      let count = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]))
      guard count > 0 else { throw TooShort(description: "the blob ended \(remaining) bytes before the resume offset \(skip)") }
      remaining -= Int64(count)
    }
  }
}
