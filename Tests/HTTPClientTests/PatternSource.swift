import HTTPClient
import Synchronization

/// A deterministic upload body generated on the fly (never held in memory): byte `o` is
/// `(o % 65536 + o / 65536) % 256`, the pattern the Python server recomputes to check it.
final class PatternSource: BodySource {
  let length: Int64
  private let state = Mutex(State())
  private static let base: [UInt8] = (0..<65792).map { UInt8($0 % 256) }

  struct State {
    var offset: Int64 = 0
    var largestRead = 0
    var reads = 0
    var rewinds = 0
  }

  init(length: Int64) { self.length = length }

  var largestRead: Int { state.withLock { $0.largestRead } }
  var reads: Int { state.withLock { $0.reads } }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    state.withLock { state in
      state.reads += 1
      state.largestRead = max(state.largestRead, buffer.count)
      var written = 0
      while written < buffer.count, state.offset < length {
        let chunk = Int(state.offset / 65536)
        let within = Int(state.offset % 65536)
        let run = min(65536 - within, buffer.count - written, Int(length - state.offset))
        let start = (within + chunk) % 256
        Self.base.withUnsafeBytes { base in
          UnsafeMutableRawBufferPointer(rebasing: buffer[written..<written + run])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: base[start..<start + run]))
        }
        written += run
        state.offset += Int64(run)
      }
      return written
    }
  }

  func rewind() throws {
    state.withLock {
      $0.offset = 0
      $0.rewinds += 1
    }
  }
}

/// A source whose `read` fails after `failAfter` bytes.
final class FailingSource: BodySource {
  struct Failure: Error, CustomStringConvertible {
    var description: String { "disk went away" }
  }
  private let sent = Mutex(0)
  let failAfter: Int

  init(failAfter: Int) { self.failAfter = failAfter }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    try sent.withLock { sent in
      guard sent < failAfter else { throw Failure() }
      let count = min(buffer.count, failAfter - sent)
      for index in 0..<count { buffer[index] = 65 }
      sent += count
      return count
    }
  }

  func rewind() throws { sent.withLock { $0 = 0 } }
}
