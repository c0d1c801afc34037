/// Why an `HTTPClient` call produced no response.
///
/// An HTTP error status is not an `HTTPClientError`: it comes back as a response. The message
/// names the method and the URL without its query, never a header value or a body.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
  /// What went wrong, as a closed set.
  public enum Code: Sendable, Equatable {
    /// No connection: refused, unreachable, name not resolved, or connect timeout.
    case connect
    /// The TLS handshake or certificate verification failed.
    case tls
    /// The request's `timeout` passed.
    case timeout
    /// Sending the request or its body failed, including a `BodySource` that threw.
    case send
    /// The connection broke or the response was malformed while receiving.
    case receive
    /// The response body exceeded `maxResponseBytes`.
    case tooLarge
    /// The awaiting task was cancelled; the transfer was aborted.
    case cancelled
    /// The request itself is unusable (URL, scheme, header syntax).
    case invalidRequest
    /// Anything else libcurl reported.
    case other
  }

  /// What went wrong.
  public let code: Code
  /// A sentence a person can act on.
  public let message: String

  /// Creates an error.
  public init(code: Code, message: String) {
    self.code = code
    self.message = message
  }

  /// Whether the same request may succeed if sent again: connection, timeout and transport
  /// failures are; TLS, size, cancellation and invalid requests are not.
  public var isRetryable: Bool {
    switch code {
    case .connect, .timeout, .send, .receive: true
    case .tls, .tooLarge, .cancelled, .invalidRequest, .other: false
    }
  }

  /// `code: message`.
  public var description: String { "\(code): \(message)" }
}
