/// One HTTP request for `HTTPClient`.
///
/// Header values may carry credentials (`Authorization`); the client never copies them into
/// errors or logs.
public struct HTTPClientRequest: Sendable {
  /// The method, sent as given (`GET`, `HEAD`, `PUT`, `POST`, `PATCH`, `DELETE`, ...).
  public var method: String
  /// An absolute `http://` or `https://` URL, already percent-encoded.
  public var url: String
  /// Header fields in order; names are sent as given. A field with an empty value is sent empty.
  public var headers: [(String, String)]
  /// The request body.
  public var body: RequestBody
  /// The limit for the whole transfer, connect to last byte (`CURLOPT_TIMEOUT_MS`); `nil` for
  /// none (watch streams), in which case only the client's connect timeout applies.
  public var timeout: Duration?
  /// Addresses to connect to instead of resolving the URL's host again, as `HOST:PORT:ADDRESS`
  /// (`CURLOPT_RESOLVE`): a caller that vetted the addresses pins them, so a DNS answer that
  /// changes between the check and the connection cannot redirect the request.
  public var pinnedAddresses: [String]

  /// Creates a request; a `GET` without body or timeout unless told otherwise.
  public init(
    method: String = "GET", url: String, headers: [(String, String)] = [], body: RequestBody = .none,
    timeout: Duration? = nil, pinnedAddresses: [String] = []
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeout = timeout
    self.pinnedAddresses = pinnedAddresses
  }
}

/// What a request sends after its head.
public enum RequestBody: Sendable {
  /// No body. `POST`, `PUT` and `PATCH` still send `Content-Length: 0`.
  case none
  /// A body held in memory; sent with `Content-Length`.
  case bytes([UInt8])
  /// A body read from `source` on the transfer thread while it is sent. With a `length` it goes
  /// out with `Content-Length` (the source must produce exactly that many bytes); without one,
  /// with `Transfer-Encoding: chunked`.
  case stream(length: Int64?, source: any BodySource)
}

/// Supplies an upload body on the transfer thread (blocking reads are fine there).
///
/// `read` fills the buffer and returns the count; 0 = end. Throwing from `read` aborts the
/// transfer with `HTTPClientError.Code.send`, whose message includes the thrown error's
/// description (so it must not contain secrets).
public protocol BodySource: Sendable {
  /// Copies up to `buffer.count` next bytes into `buffer` and returns how many; 0 at the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
  /// Starts over from the first byte. Called when libcurl must resend the body (a reused
  /// connection that turned out dead); may throw if the source cannot go back, which fails
  /// the transfer.
  func rewind() throws
}
