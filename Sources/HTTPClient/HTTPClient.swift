import Foundation

/// An async HTTP/1.1 and HTTP/2 client on libcurl, for the Kubernetes and registry clients.
///
/// Each transfer runs `curl_multi_perform` on a thread of its own (never on Swift's cooperative
/// pool) and resumes the awaiting task through a continuation. Easy handles, each paired with a
/// multi handle that owns a connection cache, are pooled (up to 8 idle), so sequential requests
/// reuse keep-alive connections; concurrent requests use separate handles and connections.
/// Redirects are not followed: a 3xx comes back as a response. Cancelling the awaiting task
/// aborts the transfer within milliseconds (`HTTPClientError.Code.cancelled`).
public final class HTTPClient: Sendable {
  private let settings: Transfer.Settings
  private let maxResponseBytes: Int
  private let pool = HandlePool(capacity: 8)

  /// Creates a client.
  ///
  /// - Parameters:
  ///   - tls: CA, client certificate and verification settings for every `https` request.
  ///   - maxResponseBytes: the largest response body `send` collects (and the largest error body
  ///     `stream` collects); beyond it the transfer fails with `.tooLarge`.
  ///   - connectTimeout: the limit for establishing a connection, TLS handshake included.
  public init(
    tls: TLSConfiguration = .init(), maxResponseBytes: Int = 64 << 20, connectTimeout: Duration = .seconds(10)
  ) {
    // A negative limit is a programming error, not a runtime condition.
    precondition(maxResponseBytes >= 0, "maxResponseBytes must not be negative")
    self.settings = Transfer.Settings(tls: tls, connectTimeout: connectTimeout)
    self.maxResponseBytes = maxResponseBytes
  }

  /// Sends `request` and collects the whole response.
  ///
  /// An HTTP error status is a response, not an error. Throws `HTTPClientError` when no complete
  /// response arrived (connection, TLS, timeout, size limit, cancellation).
  public func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
    try await perform(Transfer(request: request, sink: .buffer, maxResponseBytes: maxResponseBytes, settings: settings))
  }

  /// Streams the response body to `onData` (called on the transfer thread; return false to
  /// stop) — for Kubernetes watch streams. Returns status and headers when the body ends.
  ///
  /// Only a 2xx body is streamed; any other status's body is collected (up to
  /// `maxResponseBytes`) into the returned response's `body`. Returning false from `onData`
  /// closes the connection and ends the call normally.
  public func stream(
    _ request: HTTPClientRequest, onData: @escaping @Sendable ([UInt8]) -> Bool
  ) async throws(HTTPClientError) -> HTTPClientResponse {
    try await perform(
      Transfer(request: request, sink: .stream(onData), maxResponseBytes: maxResponseBytes, settings: settings))
  }

  private func perform(_ transfer: Transfer) async throws(HTTPClientError) -> HTTPClientResponse {
    if Task.isCancelled { throw transfer.cancelledError() }
    let pool = self.pool
    let result = await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>) in
        // A dedicated thread per transfer: curl_multi_poll blocks, and watch streams can last
        // for hours, so a fixed pool could starve. The continuation is resumed exactly once.
        Thread.detachNewThread {
          let handle = pool.checkOut()
          let result = transfer.run(on: handle)
          pool.checkIn(handle)
          continuation.resume(returning: result)
        }
      }
    } onCancel: {
      transfer.cancel()
    }
    return try result.get()
  }
}
