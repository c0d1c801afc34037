internal import CCurl
internal import CurlShim
import Synchronization

/// One request running on its own thread in a checked-out `CurlHandle`.
///
/// Threading: `run` and every libcurl callback execute on the transfer thread, the only thread
/// that touches the mutable state below. `cancel()` may come from any thread; it only sets an
/// atomic flag and wakes the multi handle (under `runningMulti`'s lock, so the wakeup can never
/// reach a handle that was already returned to the pool). That is why the class is
/// `@unchecked Sendable`.
///
/// Cancellation reaches libcurl through the progress callback: it returns non-zero once the
/// flag is set, and `curl_multi_wakeup` makes the loop call it within milliseconds instead of
/// at the next one-second poll timeout.
final class Transfer: @unchecked Sendable {
  /// Where the response body goes.
  enum Sink {
    /// Collected into `HTTPClientResponse.body`.
    case buffer
    /// Handed to the closure for a 2xx response (collected otherwise, for the error body).
    case stream(@Sendable ([UInt8]) -> Bool)
  }

  let request: HTTPClientRequest
  let sink: Sink
  let maxResponseBytes: Int
  let settings: Settings
  /// The body source, if the request has one; read by the read callback.
  let source: (any BodySource)?

  private let cancelled = Atomic<Bool>(false)
  /// The multi handle while the transfer runs in it; `nil` before and after.
  private let runningMulti = Mutex<UnsafeMutableRawPointer?>(nil)

  // Transfer-thread state, reset per transfer.
  var statusLine = 0
  var headerPairs: [(name: String, value: String)] = []
  var body: [UInt8] = []
  var exceededLimit = false
  var consumerStopped = false
  var sourceFailure: String?

  /// Settings fixed by the client.
  struct Settings: Sendable {
    var tls: TLSConfiguration
    var connectTimeout: Duration
  }

  init(request: HTTPClientRequest, sink: Sink, maxResponseBytes: Int, settings: Settings) {
    self.request = request
    self.sink = sink
    self.maxResponseBytes = maxResponseBytes
    self.settings = settings
    switch request.body {
    case .none: source = nil
    case .bytes(let bytes): source = ByteBodySource(bytes)
    case .stream(_, let source): self.source = source
    }
  }

  var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

  /// Aborts the transfer soon; safe from any thread, idempotent.
  func cancel() {
    cancelled.store(true, ordering: .releasing)
    runningMulti.withLock { multi in
      if let multi { _ = curl_multi_wakeup(multi) }
    }
  }

  /// Runs the transfer to completion on the calling (dedicated) thread.
  func run(on handle: CurlHandle) -> Result<HTTPClientResponse, HTTPClientError> {
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    var lists: [UnsafeMutablePointer<curl_slist>] = []
    defer {
      // The easy handle holds pointers to errorBuffer, the lists and self until reset.
      curl_easy_reset(handle.easy)
      for list in lists { curl_slist_free_all(list) }
      errorBuffer.deallocate()
    }
    do throws(HTTPClientError) {
      lists = try configure(handle.easy, errorBuffer: errorBuffer)
    } catch {
      return .failure(error)
    }
    if isCancelled { return .failure(cancelledError()) }
    let code = perform(handle)
    return finish(handle.easy, code: code, errorBuffer: errorBuffer)
  }

  /// Drives the multi handle until the transfer completes.
  private func perform(_ handle: CurlHandle) -> CURLcode {
    let added = curl_multi_add_handle(handle.multi, handle.easy)
    guard added == CURLM_OK else { return CURLE_FAILED_INIT }
    runningMulti.withLock { $0 = handle.multi }
    defer {
      runningMulti.withLock { $0 = nil }
      curl_multi_remove_handle(handle.multi, handle.easy)
    }
    var result: CURLcode?
    // Loop iterations after cancellation was seen; a backstop in case libcurl is in a state
    // where it does not call the progress callback (removing the handle then aborts it).
    var iterationsSinceCancel = 0
    while result == nil {
      var stillRunning: Int32 = 0
      guard curl_multi_perform(handle.multi, &stillRunning) == CURLM_OK else {
        return CURLE_FAILED_INIT
      }
      var remaining: Int32 = 0
      while let message = curl_multi_info_read(handle.multi, &remaining) {
        if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
      }
      if result != nil { break }
      if stillRunning == 0 { return CURLE_FAILED_INIT }
      if isCancelled {
        iterationsSinceCancel += 1
        if iterationsSinceCancel > 3 { return CURLE_ABORTED_BY_CALLBACK }
      }
      // Returns on socket activity, a libcurl timer, curl_multi_wakeup or after 1 s.
      _ = curl_multi_poll(handle.multi, nil, 0, 1000, nil)
    }
    return result ?? CURLE_FAILED_INIT
  }

  private func finish(
    _ easy: UnsafeMutableRawPointer, code: CURLcode, errorBuffer: UnsafeMutablePointer<CChar>
  ) -> Result<HTTPClientResponse, HTTPClientError> {
    if code == CURLE_OK || (code == CURLE_WRITE_ERROR && consumerStopped && !exceededLimit) {
      var status = 0
      var responseCode = 0
      if cs_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &responseCode) == CURLE_OK {
        status = responseCode
      }
      if status == 0 { status = statusLine }
      return .success(
        HTTPClientResponse(status: status, headers: ResponseHeaders(headerPairs), body: body))
    }
    let detail = String(cString: errorBuffer)
    return .failure(error(for: code, detail: detail))
  }

  func cancelledError() -> HTTPClientError {
    HTTPClientError(code: .cancelled, message: "\(target) was cancelled")
  }

  /// "METHOD scheme://host/path", without the query (upload URLs carry state tokens there).
  var target: String {
    let url = request.url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
    return "\(request.method) \(url)"
  }
}
