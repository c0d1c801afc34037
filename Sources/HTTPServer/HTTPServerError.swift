/// Why `HTTPServer.start()` failed.
public struct HTTPServerError: Error, CustomStringConvertible {
  /// The closed set of failure kinds.
  public enum Code: Sendable {
    /// The daemon could not bind or listen (address in use, permission, limits).
    case bind
    /// `HTTPServerConfiguration.host` is not an IPv4 literal.
    case invalidAddress
    /// TLS was configured but libmicrohttpd lacks TLS support, or GnuTLS rejected the
    /// certificate or key (MHD logs the cause to stderr).
    case tls
  }

  /// What kind of failure this is.
  public let code: Code
  /// A sentence naming the address and the cause, for a person to act on.
  public let message: String

  /// Creates an error.
  public init(code: Code, message: String) {
    self.code = code
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
