/// Why a call to the Kubernetes API server or a kubelet failed, or why cluster access could not
/// be configured.
///
/// For HTTP errors it is built from the Kubernetes `Status` object when the body is one (the
/// API server's errors), else from the plain-text body (the kubelet's errors, such as
/// `404 page not found` or `container x does not exist`), which `message` keeps verbatim so
/// callers can tell them apart. No message ever contains the bearer token.
public struct KubernetesError: Error, CustomStringConvertible, Sendable {
  /// What went wrong, as a closed set.
  public enum Code: Sendable, Equatable {
    /// 401: the credentials are missing, expired or not accepted.
    case unauthorized
    /// 403: authenticated, but RBAC does not allow the request.
    case forbidden
    /// 404: the object, or the endpoint itself, does not exist.
    case notFound
    /// 409 with reason `AlreadyExists`: a create found an object with that name.
    case alreadyExists
    /// 409 otherwise: a conflicting update (stale `resourceVersion`).
    case conflict
    /// 400 or 422: the server refused the request's content.
    case invalid
    /// 429: rate limited or the API server's priority and fairness queues are full.
    case tooManyRequests
    /// 5xx other than 504.
    case serverError
    /// 408, 504, or the request's own timeout passed.
    case timeout
    /// No complete response: connection refused or broken.
    case transport
    /// Cluster access is misconfigured: kubeconfig, service account files, TLS verification.
    case configuration
    /// A response podhop cannot use: an unexpected status, a body that is not the expected JSON.
    case unexpectedResponse
    /// The awaiting task was cancelled and the request aborted.
    case cancelled
  }

  /// What went wrong.
  public let code: Code
  /// The HTTP status, when a response arrived.
  public let status: Int?
  /// The `reason` of a Kubernetes `Status` body (`NotFound`, `AlreadyExists`, `Forbidden`, ...).
  public let reason: String?
  /// What the server said (the `Status` message, or the plain-text body trimmed), or for errors
  /// without a response a sentence saying what to fix.
  public let message: String
  /// How long the server asked us to wait (`Retry-After`, or `details.retryAfterSeconds`).
  public let retryAfter: Duration?
  /// The request, as `METHOD /path` without the query, when the error came from one.
  public let operation: String?

  /// Creates an error.
  public init(
    code: Code, status: Int? = nil, reason: String? = nil, message: String, retryAfter: Duration? = nil,
    operation: String? = nil
  ) {
    self.code = code
    self.status = status
    self.reason = reason
    self.message = message
    self.retryAfter = retryAfter
    self.operation = operation
  }

  /// Whether sending the same request again may succeed: transport failures, timeouts, 408,
  /// 425, 429 and 5xx except 501 (not implemented: retrying will not implement it).
  public var isRetryable: Bool {
    switch code {
    case .transport, .timeout, .tooManyRequests: return true
    case .serverError: return status != 501
    case .unexpectedResponse: return status == 425
    case .unauthorized, .forbidden, .notFound, .alreadyExists, .conflict, .invalid, .configuration, .cancelled:
      return false
    }
  }

  /// `operation: HTTP status (reason): message`, leaving out what is unknown.
  public var description: String {
    var head = ""
    if let operation { head += operation + ": " }
    if let status {
      head += "HTTP \(status)"
      if let reason { head += " (\(reason))" }
      head += ": "
    } else {
      head += "\(code): "
    }
    return head + message
  }
}
