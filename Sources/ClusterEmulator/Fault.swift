/// A request kind the admin API can count and inject faults into.
enum Operation: String, Sendable, CaseIterable, Codable {
  case checkpoint, createPod, getPod, deletePod, getNode, listNodes, listPods, events, binding, other
}

/// "Fail (or stall) the next `count` requests of `operation`", from `POST /emulator/faults`.
struct Fault: Sendable, Codable {
  var operation: Operation
  var count: Int?
  var status: Int?
  var reason: String?
  var message: String?
  var retryAfterSeconds: Int?
  var stallMilliseconds: Int?
  /// Raw response text replacing the generated body.
  var body: String?
  /// Only requests for this node (checkpoint, getNode) or pod name (pod operations) match.
  var name: String?

  /// What one matching request experiences.
  struct Effect: Sendable {
    var stallMilliseconds: Int
    /// nil: only stall, then proceed normally.
    var failure: Fault?
  }

  var failing: Bool { (status ?? 0) >= 400 }

  /// Reason to report when the fault does not name one.
  var defaultReason: String {
    switch status ?? 500 {
    case 400: "BadRequest"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "NotFound"
    case 409: "Conflict"
    case 422: "Invalid"
    case 429: "TooManyRequests"
    case 503: "ServiceUnavailable"
    case 504: "Timeout"
    default: "InternalError"
    }
  }

  /// The API server's Status for this fault.
  func apiStatus(defaultMessage: String) -> APIStatus {
    APIStatus(
      code: status ?? 500, reason: reason ?? defaultReason, message: message ?? defaultMessage,
      retryAfterSeconds: retryAfterSeconds)
  }
}
