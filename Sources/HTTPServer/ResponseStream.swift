import CMicroHTTPD
import Synchronization

// A response body produced by a Swift task while libmicrohttpd sends it.
//
// Ownership: `queue(_:on:core:)` creates the MHD response with `passRetained(stream)` as the
// content reader's `cls`; `streamReaderFree`, which MHD calls when it destroys the response
// (the request completed, answered or not), balances it. The producer's task and the
// `ServerCore` registry hold ordinary strong references.
//
// Flow: MHD's thread calls `streamReader` for the next bytes. With nothing buffered and the
// producer still running, the reader suspends the connection and returns 0 (MHD would poll it
// in a loop otherwise); the next `write`, `finish` or `close` resumes it. Suspend and resume
// happen under the stream's lock, and `waiting` says which one is due, so a resume never
// precedes its suspend. A suspended connection cannot complete, so the connection is valid
// whenever `waiting` is true; after `released()` nothing touches it.

/// The shared state of one streamed response.
final class ResponseStream: Sendable {
  private struct State {
    var buffer: [UInt8] = []
    var offset = 0
    /// The producer returned: send what is buffered, then end.
    var finished = false
    /// The server or the client ended the stream: refuse writes, send what is buffered, end.
    var closed = false
    /// The connection is suspended by the reader, waiting for bytes.
    var waiting = false
    var producer: Task<Void, Never>?
    /// A producer waiting for the buffer to drain below `lowWater` (`send`).
    var drained: CheckedContinuation<Void, Never>?
  }

  /// Buffered bytes above which `send` waits, and below which it resumes.
  static let highWater = 256 << 10
  static let lowWater = 64 << 10

  private let connection: ConnectionHandle
  private let onRelease: @Sendable (ResponseStream) -> Void
  private let state = Mutex(State())

  /// `onRelease` runs once, when MHD is done with the response.
  init(connection: ConnectionHandle, onRelease: @escaping @Sendable (ResponseStream) -> Void) {
    self.connection = connection
    self.onRelease = onRelease
  }

  var isOpen: Bool { state.withLock { !$0.closed && !$0.finished } }

  func write(_ bytes: [UInt8]) -> Bool {
    state.withLock { state in
      guard !state.closed, !state.finished else { return false }
      state.buffer.append(contentsOf: bytes)
      wake(&state)
      return true
    }
  }

  /// Queues `bytes`, then waits while more than `highWater` bytes are buffered, so a producer
  /// of bulk data (an export) never holds more than that in memory; false once closed.
  func send(_ bytes: [UInt8]) async -> Bool {
    guard write(bytes) else { return false }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      state.withLock { state in
        if state.closed || state.finished || state.buffer.count - state.offset <= Self.highWater {
          continuation.resume()
        } else {
          state.drained = continuation
        }
      }
    }
    return isOpen
  }

  /// The producer is done.
  func finish() {
    state.withLock { state in
      state.finished = true
      wake(&state)
    }
  }

  /// Ends the stream from the server's side (shutdown): buffered bytes still go out.
  func close() {
    let producer = state.withLock { state in
      state.closed = true
      wake(&state)
      state.drained?.resume()
      state.drained = nil
      return state.producer
    }
    producer?.cancel()
  }

  /// Keeps the producer's task so that closing or a client leaving cancels it.
  func attach(_ producer: Task<Void, Never>) {
    let cancelNow = state.withLock { state -> Bool in
      guard !state.closed else { return true }
      state.producer = producer
      return false
    }
    if cancelNow { producer.cancel() }
  }

  /// MHD destroyed the response: the request is over and the connection may be gone.
  func released() {
    let producer = state.withLock { state in
      state.closed = true
      state.waiting = false
      state.buffer = []
      state.offset = 0
      state.drained?.resume()
      state.drained = nil
      defer { state.producer = nil }
      return state.producer
    }
    producer?.cancel()
    onRelease(self)
  }

  /// Copies the next bytes into `buffer`: their count, 0 after suspending the connection to
  /// wait for more, or -1 at the end. Runs on MHD's thread.
  func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    state.withLock { state in
      let available = state.buffer.count - state.offset
      if available > 0 {
        let count = min(available, buffer.count)
        state.buffer.withUnsafeBytes { bytes in
          buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[state.offset..<state.offset + count]))
        }
        state.offset += count
        if state.offset == state.buffer.count {
          state.buffer.removeAll(keepingCapacity: true)
          state.offset = 0
        } else if state.offset >= Self.highWater {
          // A producer that keeps the buffer from emptying must not grow it without end.
          state.buffer.removeFirst(state.offset)
          state.offset = 0
        }
        if state.drained != nil, state.buffer.count - state.offset <= Self.lowWater {
          state.drained?.resume()
          state.drained = nil
        }
        return count
      }
      if state.finished || state.closed { return -1 }
      state.waiting = true
      connection.suspend()
      return 0
    }
  }

  private func wake(_ state: inout State) {
    guard state.waiting else { return }
    state.waiting = false
    connection.resume()
  }
}

/// `MHD_ContentReaderCallback` of streamed responses; `cls` is the stream (borrowed).
func streamReader(
  _ cls: UnsafeMutableRawPointer?, _ position: UInt64, _ buffer: UnsafeMutablePointer<CChar>?, _ max: Int
) -> Int {
  guard let cls, let buffer, max > 0 else { return 0 }
  let stream = Unmanaged<ResponseStream>.fromOpaque(cls).takeUnretainedValue()
  return stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
}

/// `MHD_ContentReaderFreeCallback` of streamed responses: balances the retain taken when the
/// response was created.
func streamReaderFree(_ cls: UnsafeMutableRawPointer?) {
  guard let cls else { return }
  let stream = Unmanaged<ResponseStream>.fromOpaque(cls).takeRetainedValue()
  stream.released()
}
