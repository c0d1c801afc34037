import Foundation
import Synchronization

/// A token bucket per caller for requests that change state: `rate` per second with bursts of
/// `burst`. A rate of 0 disables limiting.
final class RateLimiter: Sendable {
  private struct Bucket {
    var tokens: Double
    var updated: ContinuousClock.Instant
  }
  private let rate: Double
  private let burst: Double
  private let buckets = Mutex<[String: Bucket]>([:])

  init(ratePerSecond: Double, burst: Double) {
    rate = ratePerSecond
    self.burst = max(burst, 1)
  }

  /// nil when allowed; otherwise the whole seconds to wait.
  func acquire(_ caller: String, now: ContinuousClock.Instant = .now) -> Int? {
    guard rate > 0 else { return nil }
    return buckets.withLock { buckets in
      var bucket = buckets[caller] ?? Bucket(tokens: burst, updated: now)
      bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) / .seconds(1) * rate)
      bucket.updated = now
      defer { buckets[caller] = bucket }
      if bucket.tokens >= 1 {
        bucket.tokens -= 1
        return nil
      }
      return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
    }
  }
}
