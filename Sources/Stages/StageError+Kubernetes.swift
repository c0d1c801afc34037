import Core
import Kubernetes

extension StageError {
  /// What the queue should do about a Kubernetes failure while `action`: retry transport
  /// errors, 429 (after Retry-After) and 5xx; stop on everything else.
  public static func from(_ error: KubernetesError, while action: String) -> StageError {
    let message = "\(action): \(error.message)"
    if error.code == .tooManyRequests { return StageError(.retry(after: error.retryAfter), message) }
    return error.isRetryable ? .retryable(message) : .terminal(message)
  }
}

/// Polling with a doubling interval, bounded by a deadline: for pod status, which the stages
/// read instead of holding a watch open.
struct Backoff {
  private var interval: Duration
  private let deadline: ContinuousClock.Instant

  init(first: Duration, within timeout: Duration) {
    interval = first
    deadline = .now + timeout
  }

  var expired: Bool { ContinuousClock.now >= deadline }

  /// Sleeps the next interval (never past the deadline); throws when the task is cancelled.
  mutating func wait() async throws {
    try await Task.sleep(for: min(interval, max(.zero, deadline - .now)))
    interval = min(interval * 2, .seconds(5))
  }
}
