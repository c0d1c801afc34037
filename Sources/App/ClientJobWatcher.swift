import Foundation

/// Follows one job for `podhop migrate --wait`: polls GET /v1/migrations/{id} every half second
/// until the job ends, then prints the outcome.
///
/// When stdout is a terminal, a status block is redrawn in place on every poll
/// (``ClientLiveStatus``: stage, attempt, elapsed time, bytes and rate during the push).
/// Otherwise a plain line is printed whenever the state, stage or attempt changes:
///
///     14:05:42  +0.0s    preflight   attempt 1  running
///     14:05:43  +1.2s    checkpoint  attempt 1  running
///     succeeded: restored as default/counter-hop-1a2b3c4d on node-b
///
/// Polling the job rather than following its event stream, because the job carries the
/// progress the block shows.
struct ClientJobWatcher {
  let connection: ClientConnection
  let id: String
  /// Time between polls.
  var interval: Duration = .milliseconds(500)
  /// Redraw a status block instead of printing lines.
  var live = isatty(STDOUT_FILENO) == 1

  /// Waits until the job finishes or `timeout` passes; returns 0 if it succeeded. Throws
  /// ``ClientError/failed(_:)`` when it failed or was canceled, or when waiting ran out.
  func wait(timeout: Duration) async throws(ClientError) -> Int32 {
    let clock = ContinuousClock()
    let started = clock.now
    var last: String?
    var status = live ? ClientLiveStatus() : nil
    while true {
      let job = try await connection.send("GET", "/v1/migrations/\(id)").object()
      let state = job["state"] as? String ?? "?"
      let stage = job["stage"] as? String ?? "?"
      let attempt = job["attempt"] as? Int ?? 0
      let key = "\(state) \(stage) \(attempt)"
      let elapsed = (clock.now - started) / .seconds(1)
      if status != nil {
        status!.update(job, elapsed: elapsed)
      } else if key != last {
        last = key
        print(Self.line(at: Date(), elapsed: elapsed, stage: stage, attempt: attempt, state: state))
      }
      if let outcome = try Self.outcome(job) { return outcome }
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

  /// 0 (after printing the success line) when the job succeeded, nil while it is active;
  /// throws the job's error when it failed or was canceled.
  static func outcome(_ job: [String: Any]) throws(ClientError) -> Int32? {
    let stage = job["stage"] as? String ?? "?"
    switch job["state"] as? String {
    case "succeeded":
      print(success(job))
      return 0
    case "failed":
      let error = job["error"] as? [String: Any] ?? [:]
      throw .failed("failed at \(error["stage"] as? String ?? stage): \(error["message"] as? String ?? "no error recorded")")
    case "canceled":
      throw .failed("canceled at \(stage)")
    default:
      return nil
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
