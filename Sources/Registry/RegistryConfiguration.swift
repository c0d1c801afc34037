import HTTPClient

/// How `RegistryClient` reaches registries.
public struct RegistryConfiguration: Sendable {
  /// Registries (`host:port`) spoken to over plain HTTP, like `--insecure-registry HOST:PORT`.
  /// Every other registry is HTTPS.
  public var plainHTTPRegistries: Set<String>
  /// TLS settings for registries. `RegistryClient(configuration:)` builds its HTTP client with
  /// them; when you pass your own `HTTPClient`, create it with these settings.
  public var tls: TLSConfiguration
  /// Credentials per registry (`host:port`); registries not listed are accessed anonymously.
  public var credentials: [String: RegistryCredentials]
  /// How often and how long to retry retryable failures within one call.
  public var retry: RetryPolicy

  /// Creates a configuration; all registries HTTPS and anonymous by default.
  public init(
    plainHTTPRegistries: Set<String> = [], tls: TLSConfiguration = .init(),
    credentials: [String: RegistryCredentials] = [:], retry: RetryPolicy = .init()
  ) {
    self.plainHTTPRegistries = plainHTTPRegistries
    self.tls = tls
    self.credentials = credentials
    self.retry = retry
  }
}

/// Retries inside one `RegistryClient` call for transport failures, 429 and 5xx. What is still
/// failing after `maxAttempts` is thrown with `isRetryable` and `retryAfter` for the job queue.
public struct RetryPolicy: Sendable {
  /// Attempts per call, including the first; 1 disables retries.
  public var maxAttempts: Int
  /// The delay before the second attempt; doubled per further attempt.
  public var baseDelay: Duration
  /// The longest delay waited in-process, including a registry's `Retry-After`; a longer
  /// `Retry-After` ends the call with the error so the queue can wait instead.
  public var maxDelay: Duration

  /// Four attempts, 0.5 s doubling, up to 10 s.
  public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(10)) {
    // Zero attempts would never send anything.
    precondition(maxAttempts >= 1, "RetryPolicy.maxAttempts must be at least 1")
    self.maxAttempts = maxAttempts
    self.baseDelay = baseDelay
    self.maxDelay = maxDelay
  }

  func delay(afterAttempt attempt: Int) -> Duration {
    var delay = baseDelay
    for _ in 1..<max(1, attempt) { delay = delay * 2 }
    return min(delay, maxDelay)
  }
}
