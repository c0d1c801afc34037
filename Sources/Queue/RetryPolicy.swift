/// How often and how soon a failed stage is tried again: exponential backoff from `baseDelay`,
/// capped at `maxDelay`, with "equal jitter" (half fixed, half random) so that many jobs failing
/// together do not retry together.
public struct RetryPolicy: Sendable, Equatable {
  /// Attempts per stage, the first included, before the job fails.
  public var maxAttempts: Int
  public var baseDelay: Duration
  public var maxDelay: Duration

  public init(maxAttempts: Int = 5, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(300)) {
    precondition(maxAttempts >= 1 && baseDelay > .zero && maxDelay >= baseDelay, "validated by configuration")
    self.maxAttempts = maxAttempts
    self.baseDelay = baseDelay
    self.maxDelay = maxDelay
  }

  /// The delay before attempt `failedAttempt + 1`; `random` is uniform in [0, 1).
  public func delay(afterAttempt failedAttempt: Int, random: Double) -> Duration {
    precondition(failedAttempt >= 1 && (0..<1).contains(random), "attempts count from 1")
    let exponent = min(failedAttempt - 1, 30)
    let ceiling = min(baseDelay * (1 << exponent), maxDelay)
    return ceiling / 2 + ceiling / 2 * random
  }

  /// Whether another attempt is allowed after `attempt` failed.
  public func allowsRetry(after attempt: Int) -> Bool { attempt < maxAttempts }
}
