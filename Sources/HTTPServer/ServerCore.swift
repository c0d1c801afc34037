import Synchronization

/// What libmicrohttpd's callbacks need: the application's closures, the body
/// limit, and the registry of requests handed to the application.
///
/// A request is *in flight* from the moment its connection is suspended for
/// the handler until MHD reports it completed, i.e. until its response has been
/// sent or the client is gone. Shutdown waits for that set to drain.
final class ServerCore: Sendable {
  let maxBodyBytes: Int
  let immediate: (@Sendable (HTTPRequest) -> HTTPResponse?)?
  let handler: @Sendable (HTTPRequest) async -> HTTPResponse
  let rejection: @Sendable (HTTPRejection, HTTPRequest) -> HTTPResponse

  private struct Registry {
    var stopping = false
    var inFlight: [ObjectIdentifier: RequestState] = [:]
    /// Streamed responses being sent; in flight as well.
    var streams: [ObjectIdentifier: ResponseStream] = [:]
    var nextWaiter: UInt64 = 0
    /// Drain waiters; `nil` until the waiting task has parked its continuation.
    var waiters: [UInt64: CheckedContinuation<Void, Never>?] = [:]

    var isIdle: Bool { inFlight.isEmpty && streams.isEmpty }

    /// Removes and returns the continuations of waiters that have parked.
    mutating func takeParkedWaiters() -> [CheckedContinuation<Void, Never>] {
      let parked = waiters.compactMap { $0.value }
      waiters = waiters.filter { $0.value == nil }
      return parked
    }
  }

  private let registry = Mutex(Registry())

  init(
    maxBodyBytes: Int,
    immediate: (@Sendable (HTTPRequest) -> HTTPResponse?)?,
    handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse,
    rejection: @escaping @Sendable (HTTPRejection, HTTPRequest) -> HTTPResponse
  ) {
    self.maxBodyBytes = maxBodyBytes
    self.immediate = immediate
    self.handler = handler
    self.rejection = rejection
  }

  /// The answer to give on the first call, before any body is read, or `nil`
  /// to let the request proceed.
  func earlyAnswer(for head: HTTPRequest, malformed: String?) -> HTTPResponse? {
    if registry.withLock({ $0.stopping }) { return .serviceUnavailable }
    if let malformed { return rejection(.malformedRequest(malformed), head) }
    let length = head.headers["Content-Length"]
    if length != nil, head.headers.contains("Transfer-Encoding") {
      return rejection(.conflictingLengthHeaders, head)
    }
    if let length, Self.exceeds(length, maxBodyBytes) {
      return rejection(.bodyTooLarge(limit: maxBodyBytes), head)
    }
    return nil
  }

  /// Adds a request about to be suspended; false once shutdown has begun.
  func register(_ state: RequestState) -> Bool {
    registry.withLock { registry in
      guard !registry.stopping else { return false }
      registry.inFlight[ObjectIdentifier(state)] = state
      return true
    }
  }

  /// Removes a completed request and wakes drain waiters if it was the last.
  func unregister(_ state: RequestState) {
    let waiters = registry.withLock { registry -> [CheckedContinuation<Void, Never>] in
      guard registry.inFlight.removeValue(forKey: ObjectIdentifier(state)) != nil, registry.isIdle else { return [] }
      return registry.takeParkedWaiters()
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Adds a streamed response about to be queued; false once shutdown has begun.
  func register(_ stream: ResponseStream) -> Bool {
    registry.withLock { registry in
      guard !registry.stopping else { return false }
      registry.streams[ObjectIdentifier(stream)] = stream
      return true
    }
  }

  /// Removes a streamed response MHD is done with; wakes drain waiters if it was the last.
  func unregister(_ stream: ResponseStream) {
    let waiters = registry.withLock { registry -> [CheckedContinuation<Void, Never>] in
      guard registry.streams.removeValue(forKey: ObjectIdentifier(stream)) != nil, registry.isIdle else { return [] }
      return registry.takeParkedWaiters()
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Refuses new work from now on: new requests get 503 and are not suspended. Streamed
  /// responses are closed: they send what they have buffered and end.
  func beginStopping() {
    let streams = registry.withLock { registry in
      registry.stopping = true
      return Array(registry.streams.values)
    }
    for stream in streams { stream.close() }
  }

  /// Resumes every still-suspended request with `response`; call after `beginStopping`.
  func resumeSuspended(with response: HTTPResponse) {
    let pending = registry.withLock { Array($0.inFlight.values) }
    for state in pending { state.resume(with: response) }
  }

  /// Waits until no request is in flight or `timeout` has passed; true if drained.
  func waitUntilDrained(timeout: Duration) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
      group.addTask { await self.drained() }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return false
      }
      let first = await group.next() ?? false
      group.cancelAll()
      return first
    }
  }

  /// Returns when the registry is empty (true) or the task is cancelled (false).
  private func drained() async -> Bool {
    let id = registry.withLock { registry in
      registry.nextWaiter += 1
      registry.waiters[registry.nextWaiter] = .some(nil)
      return registry.nextWaiter
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = registry.withLock { registry -> Bool in
          // Missing entry: cancelled before parking. Empty registry: already drained.
          guard registry.waiters[id] != nil, !registry.isIdle else {
            registry.waiters[id] = nil
            return true
          }
          registry.waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let parked = registry.withLock { $0.waiters.removeValue(forKey: id) }
      parked??.resume()
    }
    return registry.withLock { $0.isIdle }
  }

  /// Whether a `Content-Length` value declares more than `limit` bytes.
  /// MHD has already rejected non-numeric values with 400; an all-digit value
  /// too large for `Int` is over any limit.
  static func exceeds(_ contentLength: String, _ limit: Int) -> Bool {
    let trimmed = contentLength.filter { $0 != " " && $0 != "\t" }
    if let value = Int(trimmed) { return value > limit }
    return !trimmed.isEmpty && trimmed.utf8.allSatisfy { (0x30...0x39).contains($0) }
  }
}
