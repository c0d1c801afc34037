import Foundation

/// Follows one job for `podhop migrate --wait`: polls GET /v1/migrations/{id} every half second
/// and prints a line whenever the state, stage or attempt changes, then the outcome.
///
/// The lines are plain (no cursor movement), the same on a terminal and in a pipe:
///
///     14:05:42  +0.0s    preflight   attempt 1  running
///     14:05:43  +1.2s    checkpoint  attempt 1  running
///     succeeded: restored as default/counter-hop-1a2b3c4d on node-b
///
/// Polling rather than a stream because the API has no event stream yet.
struct ClientJobWatcher {
  let connection: ClientConnection
  let id: String
  /// Time between polls.
  var interval: Duration = .milliseconds(500)

  /// Waits until the job finishes or `timeout` passes; returns 0 if it succeeded. Throws
  /// ``ClientError/failed(_:)`` when it failed or was canceled, or when waiting ran out.
  func wait(timeout: Duration) async throws(ClientError) -> Int32 {
    let clock = ContinuousClock()
    let started = clock.now
    var last: String?
    while true {
      let job = try await connection.send("GET", "/v1/migrations/\(id)").object()
      let state = job["state"] as? String ?? "?"
      let stage = job["stage"] as? String ?? "?"
      let attempt = job["attempt"] as? Int ?? 0
      let key = "\(state) \(stage) \(attempt)"
      if key != last {
        last = key
        let elapsed = (clock.now - started) / .seconds(1)
        print(Self.line(at: Date(), elapsed: elapsed, stage: stage, attempt: attempt, state: state))
      }
      switch state {
      case "succeeded":
        print(Self.success(job))
        return 0
      case "failed":
        let error = job["error"] as? [String: Any] ?? [:]
        throw .failed("failed at \(error["stage"] as? String ?? stage): \(error["message"] as? String ?? "no error recorded")")
      case "canceled":
        throw .failed("canceled at \(stage)")
      default:
        break
      }
      guard clock.now - started + interval <= timeout else {
        throw .failed([
          "gave up waiting after \(Int(timeout / .seconds(1))) s; job \(id) is still \(state) at \(stage)",
          "(it goes on; follow it with: podhop jobs show \(id))",
        ])
      }
      do {
        try await Task.sleep(for: interval)
      } catch {
        throw .failed("interrupted while waiting for job \(id)")
      }
    }
  }

  /// One progress line: local time, elapsed seconds, stage, attempt and state.
  static func line(at date: Date, elapsed: Double, stage: String, attempt: Int, state: String) -> String {
    let seconds = "+" + String(format: "%.1f", elapsed) + "s"
    return
      "\(ClientOutput.clock(date))  \(ClientOutput.pad(seconds, 7))  \(ClientOutput.pad(stage, 10))  attempt \(attempt)  \(state)"
  }

  /// The final line of a succeeded job.
  static func success(_ job: [String: Any]) -> String {
    guard let restored = job["restoredPod"] as? [String: Any] else { return "succeeded" }
    let name = "\(restored["namespace"] as? String ?? "?")/\(restored["name"] as? String ?? "?")"
    return "succeeded: restored as \(name) on \(restored["node"] as? String ?? "?")"
  }
}
