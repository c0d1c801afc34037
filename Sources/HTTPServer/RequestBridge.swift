import CMicroHTTPD
import Synchronization

// The bridge between libmicrohttpd's threads and Swift tasks.
//
// Ownership, in one place:
// - `ServerCore`: `HTTPServer.start()` passes `Unmanaged.passRetained(core)` as
//   the access handler's and NOTIFY_COMPLETED's `cls`; the callbacks below only
//   borrow it (`takeUnretainedValue`). `HTTPServer` releases that +1 after
//   `MHD_stop_daemon` returns, when MHD can no longer call back.
// - `RequestState`: created on the first access-handler call of each request
//   and stored in MHD's `*con_cls` with `passRetained` (+1 owned by the slot).
//   `requestCompleted` clears the slot and balances it with
//   `takeRetainedValue`. The registry in `ServerCore` and the handler's `Task`
//   hold ordinary strong references of their own.
// - `MHD_Connection`: owned by MHD. The only call made on it off MHD's threads
//   is `MHD_resume_connection`, from the handler's task or from shutdown, and
//   only under `RequestState`'s lock while the stage is `.suspended`.

/// One request's progress, shared by the MHD thread serving the connection and,
/// while suspended, the `Task` running the application's handler.
final class RequestState: Sendable {
  enum Stage {
    /// Headers parsed; body chunks arriving.
    case receiving
    /// The body passed the limit mid-upload; the rest is read and dropped, and
    /// the rejection is queued on the final call (MHD 0.9.75 refuses to queue a
    /// response while a body is still arriving).
    case overLimit(discarded: Int)
    /// The server queued its own answer (rejection or 503); later body bytes are discarded.
    case answeredEarly
    /// Connection suspended; the handler's task owns the next step.
    case suspended
    /// Connection resumed; MHD will call the access handler again to queue this.
    case ready(HTTPResponse)
    /// The response was queued, or MHD reported the request completed.
    case finished
  }

  private struct Progress {
    var stage = Stage.receiving
    var body: [UInt8] = []
    var task: Task<Void, Never>?
  }

  let connection: ConnectionHandle
  /// The request as parsed from the head; `body` stays empty here.
  let head: HTTPRequest
  private let progress = Mutex(Progress())

  init(connection: ConnectionHandle, head: HTTPRequest) {
    self.connection = connection
    self.head = head
  }

  var stage: Stage { progress.withLock { $0.stage } }

  func markAnsweredEarly() { progress.withLock { $0.stage = .answeredEarly } }

  /// What `append(_:limit:)` did with a body chunk.
  enum Append {
    /// Kept (within the limit), or dropped because the request is already answered.
    case accepted
    /// Dropped: the body is over the limit and the rejection waits for the final call.
    case discarding
    /// Dropped, and too much has been discarded already: give up on the connection.
    case abandon
  }

  /// Appends a body chunk, switching to discarding once the total exceeds `limit`.
  func append(_ chunk: UnsafeRawBufferPointer, limit: Int) -> Append {
    progress.withLock { progress in
      switch progress.stage {
      case .receiving:
        guard progress.body.count + chunk.count > limit else {
          progress.body.append(contentsOf: chunk)
          return .accepted
        }
        progress.stage = .overLimit(discarded: progress.body.count + chunk.count - limit)
        progress.body = []
        return .discarding
      case .overLimit(let discarded):
        // Bound the bytes read for nothing: a client streaming a huge chunked
        // body is cut off, without a response, once the discarded part exceeds
        // max(limit, 64 KiB).
        let total = discarded + chunk.count
        progress.stage = .overLimit(discarded: total)
        return total > max(limit, 1 << 16) ? .abandon : .discarding
      case .answeredEarly, .suspended, .ready, .finished:
        return .accepted
      }
    }
  }

  /// True (once) if the body went over the limit: the caller queues the rejection.
  func takeOverLimit() -> Bool {
    progress.withLock { progress in
      guard case .overLimit = progress.stage else { return false }
      progress.stage = .finished
      return true
    }
  }

  /// What `suspend(registeringWith:)` did.
  enum Suspension {
    /// The connection is suspended; run the handler on this complete request.
    case suspended(HTTPRequest)
    /// The server is stopping; answer now instead.
    case refused
    /// The request is past receiving (answered early); nothing to do.
    case notReceiving
  }

  /// Suspends the connection and returns the complete request. Runs on MHD's
  /// thread in the final call.
  ///
  /// `register` runs under this request's lock before the suspension, so a
  /// shutdown sweep (which takes the same lock) sees either a suspended
  /// connection or none, never one about to be suspended. Returning false from
  /// it means "do not suspend": the server is stopping.
  func suspend(registeringWith register: () -> Bool) -> Suspension {
    progress.withLock { progress -> Suspension in
      guard case .receiving = progress.stage else { return .notReceiving }
      guard register() else { return .refused }
      progress.stage = .suspended
      connection.suspend()
      var request = head
      request.body = progress.body
      progress.body = []
      return .suspended(request)
    }
  }

  /// The complete request, if it is still receiving and `answer` gives a response for it; the
  /// request is then answered. Runs on MHD's thread in the final call.
  func answerImmediately(_ answer: (HTTPRequest) -> HTTPResponse?) -> HTTPResponse? {
    progress.withLock { progress -> HTTPResponse? in
      guard case .receiving = progress.stage else { return nil }
      var request = head
      request.body = progress.body
      guard let response = answer(request) else { return nil }
      progress.stage = .finished
      progress.body = []
      return response
    }
  }

  /// Keeps the handler's task so shutdown can cancel it; the task may already be done.
  func attach(_ task: Task<Void, Never>) {
    let cancelNow = progress.withLock { progress -> Bool in
      guard case .suspended = progress.stage else { return true }
      progress.task = task
      return false
    }
    if cancelNow { task.cancel() }
  }

  /// Stores `response` and resumes the connection, if it is still suspended.
  /// Exactly one caller (the handler's task or the shutdown sweep) wins.
  func resume(with response: HTTPResponse) {
    let (won, task) = progress.withLock { progress -> (Bool, Task<Void, Never>?) in
      guard case .suspended = progress.stage else { return (false, nil) }
      progress.stage = .ready(response)
      // Under the lock: the sweep must not see `.ready` before this call has
      // returned, or MHD_stop_daemon could race it.
      connection.resume()
      defer { progress.task = nil }
      return (true, progress.task)
    }
    // The sweep cancels a handler still running; for the handler's own task
    // (which has finished its work) this is a no-op.
    if won { task?.cancel() }
  }

  /// Takes the response stored by `resume(with:)`, leaving the request finished.
  func takeResponse() -> HTTPResponse? {
    progress.withLock { progress in
      guard case .ready(let response) = progress.stage else { return nil }
      progress.stage = .finished
      return response
    }
  }

  /// MHD is done with the request: nothing may touch the connection any more.
  func finish() {
    let task = progress.withLock { progress in
      progress.stage = .finished
      progress.body = []
      defer { progress.task = nil }
      return progress.task
    }
    task?.cancel()
  }
}

/// `MHD_AccessHandlerCallback`, called on MHD's threads: first with the head,
/// then once per body chunk, then with `*upload_data_size == 0`, and once more
/// after each `MHD_resume_connection`.
func accessHandler(
  _ cls: UnsafeMutableRawPointer?, _ rawConnection: OpaquePointer?, _ url: UnsafePointer<CChar>?,
  _ method: UnsafePointer<CChar>?, _ version: UnsafePointer<CChar>?,
  _ uploadData: UnsafePointer<CChar>?, _ uploadDataSize: UnsafeMutablePointer<Int>?,
  _ slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
  guard let cls, let rawConnection, let uploadDataSize, let slot else { return .NO }
  let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
  let connection = ConnectionHandle(raw: rawConnection)

  guard let stored = slot.pointee else {
    // First call. Never queue a normal response here: MHD would add
    // `Connection: close`. Early answers (rejections, 503) want that anyway.
    let (head, malformed) = connection.requestHead(method: method.map { String(cString: $0) } ?? "GET", path: url)
    let state = RequestState(connection: connection, head: head)
    slot.pointee = Unmanaged.passRetained(state).toOpaque()  // released in requestCompleted
    guard let early = core.earlyAnswer(for: head, malformed: malformed) else { return .YES }
    state.markAnsweredEarly()
    return early.queue(on: connection, core: core)
  }
  let state = Unmanaged<RequestState>.fromOpaque(stored).takeUnretainedValue()

  if uploadDataSize.pointee > 0 {
    let chunk = UnsafeRawBufferPointer(start: uploadData, count: uploadDataSize.pointee)
    uploadDataSize.pointee = 0
    switch state.append(chunk, limit: core.maxBodyBytes) {
    case .accepted, .discarding: return .YES
    case .abandon: return .NO  // MHD closes the connection without a response
    }
  }

  switch state.stage {
  case .receiving:
    if let immediate = core.immediate, let response = state.answerImmediately(immediate) {
      return response.queue(on: connection, core: core)
    }
    switch state.suspend(registeringWith: { core.register(state) }) {
    case .refused:
      state.markAnsweredEarly()
      return HTTPResponse.serviceUnavailable.queue(on: connection, core: core)
    case .notReceiving:
      return .YES
    case .suspended(let request):
      // Unstructured on purpose: MHD's thread cannot await. Nobody awaits this
      // task; it ends by resuming the connection. `RequestState.finish` and the
      // shutdown sweep cancel it if the request ends first.
      let task = Task {
        let response = await core.handler(request)
        state.resume(with: response)
      }
      state.attach(task)
      return .YES
    }
  case .overLimit:
    guard state.takeOverLimit() else { return .YES }
    return core.rejection(.bodyTooLarge(limit: core.maxBodyBytes), state.head).queue(on: connection, core: core)
  case .ready:
    guard let response = state.takeResponse() else { return .YES }
    return response.queue(on: connection, core: core)
  case .answeredEarly, .suspended, .finished:
    return .YES
  }
}

/// `MHD_RequestCompletedCallback`: MHD is done with the request (answered,
/// failed, or the client went away). Releases the `*con_cls` reference.
func requestCompleted(
  _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
  _ slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ code: MHD_RequestTerminationCode
) {
  guard let cls, let slot, let stored = slot.pointee else { return }
  slot.pointee = nil
  let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
  // Balances the passRetained of the first access-handler call.
  let state = Unmanaged<RequestState>.fromOpaque(stored).takeRetainedValue()
  state.finish()
  core.unregister(state)
}
