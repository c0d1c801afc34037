import Foundation

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Bounded in
/// time and in count, for waiting on another task or process without fixed sleeps.
public func eventually(
  timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
  _ condition: () async throws -> Bool
) async rethrows -> Bool {
  let deadline = ContinuousClock.now + timeout
  let maxPolls = Int(timeout / interval) + 1
  for _ in 0..<maxPolls {
    if try await condition() { return true }
    if ContinuousClock.now >= deadline { break }
    try? await Task.sleep(for: interval)
  }
  return try await condition()
}
