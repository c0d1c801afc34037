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

  /// Creates a response.
  public init(status: Int, headers: HTTPHeaders = .init(), body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
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
