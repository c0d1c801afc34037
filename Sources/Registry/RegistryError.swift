/// Why a registry operation failed, with what the caller should do about it.
///
/// Messages name the registry, repository and operation and carry the registry's own error
/// codes and messages; they never contain credentials, tokens or upload-state query strings.
public struct RegistryError: Error, CustomStringConvertible, Sendable {
  /// What went wrong, as a closed set.
  public enum Code: Sendable, Equatable {
    /// 401: no or wrong credentials, or the token server refused them. Terminal.
    case unauthorized
    /// 403: authenticated but not allowed. Terminal.
    case forbidden
    /// 404: unknown repository, manifest, blob or upload. Terminal.
    case notFound
    /// The registry rejected the request as malformed (400, 405, 413, 416, 422, ...). Terminal.
    case invalid
    /// 429: rate limited. Retryable after `retryAfter`.
    case rateLimited
    /// 5xx: the registry is failing or overloaded. Retryable.
    case unavailable
    /// The connection failed (refused, reset, timeout, TLS). Retryable unless TLS.
    case transport
    /// The registry computed a different digest than expected. Terminal for these bytes.
    case digestMismatch
    /// The reference, credentials file or configuration is unusable. Terminal.
    case configuration
  }

  /// What went wrong.
  public let code: Code
  /// A sentence a person can act on.
  public let message: String
  /// How long the registry asked to wait (`Retry-After`), if it did.
  public var retryAfter: Duration?
  /// Whether trying again later may succeed.
  public var isRetryable: Bool

  /// Creates an error; retryability defaults from the code.
  public init(code: Code, message: String, retryAfter: Duration? = nil, isRetryable: Bool? = nil) {
    self.code = code
    self.message = message
    self.retryAfter = retryAfter
    self.isRetryable = isRetryable ?? [.rateLimited, .unavailable, .transport].contains(code)
  }

  /// `code: message`.
  public var description: String { "\(code): \(message)" }
}
