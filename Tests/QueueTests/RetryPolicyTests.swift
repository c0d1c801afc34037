import Queue
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
  let policy = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(2), maxDelay: .seconds(30))

  @Test(
    "the delay doubles per attempt, is capped, and jitter keeps it between half and all of that",
    arguments: [
      (1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (5, 30.0), (40, 30.0),
    ])
  func schedule(attempt: Int, ceiling: Double) {
    #expect(policy.delay(afterAttempt: attempt, random: 0) == .seconds(ceiling / 2))
    #expect(policy.delay(afterAttempt: attempt, random: 0.5) == .seconds(ceiling * 0.75))
    #expect(policy.delay(afterAttempt: attempt, random: 0.999_999) <= .seconds(ceiling))
  }

  @Test("retries are allowed until the attempt limit")
  func limit() {
    #expect(policy.allowsRetry(after: 4))
    #expect(!policy.allowsRetry(after: 5))
  }
}
