/// A complete HTTP response.
///
/// The server sets `Content-Length` itself from `body`; a `Content-Length`
/// field in `headers` is ignored. `Content-Type` is sent only if set here.
public struct HTTPResponse: Sendable {
  /// The status code; values outside 100...999 are sent as 500.
  public var status: Int
  /// The response header fields.
  public var headers: HTTPHeaders
  /// The response body bytes.
  public var body: [UInt8]
  /// When set, produces the body while it is sent (and `body` is ignored).
  public var stream: (@Sendable (HTTPBodyWriter) async -> Void)?

  /// Creates a response.
  public init(status: Int, headers: HTTPHeaders = .init(), body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// Creates a response whose body `stream` writes while it is sent, with chunked transfer
  /// encoding (for server-sent events).
  ///
  /// The server runs `stream` in a task once the head is queued and ends the body when it
  /// returns. When the client goes away or the server shuts down, the task is cancelled and
  /// writes return false; the producer should then return promptly. A client that leaves is
  /// noticed only at the next write, so a producer that may stay quiet writes something
  /// harmless now and then (an SSE comment). Streams count as in flight for shutdown, which
  /// closes them at once.
  public init(status: Int, headers: HTTPHeaders = .init(), stream: @escaping @Sendable (HTTPBodyWriter) async -> Void) {
    self.status = status
    self.headers = headers
    self.body = []
    self.stream = stream
  }

  /// The answer given to requests that arrive, or are still waiting, while the server shuts down.
  static var serviceUnavailable: HTTPResponse {
    HTTPResponse(
      status: 503,
      headers: HTTPHeaders([
        ("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close"),
        ("Retry-After", "1"),
      ]),
      body: Array("server is shutting down\n".utf8))
  }
}
