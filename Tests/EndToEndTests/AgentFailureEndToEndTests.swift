import Foundation
import TestSupport
import Testing

/// Failures in the middle of an agent's upload: an agent killed, the controller killed, the job
/// cancelled. Serialized: each moves a large archive through an agent, the registry and the
/// emulator's restore, and three at once starve the 2-core CI machine.
@Suite("Node agents end to end, mid-upload failures", .serialized)
struct AgentFailureEndToEndTests {
  /// The pod's memory image (half random): large enough that the upload lasts long enough to be
  /// seen running by polling every 10 ms, small enough to restore within the timeout under load.
  static let memoryBytes = 128 << 20

  @Test("SIGKILL of the source node's agent mid-push: the push attempt fails, is retried, and succeeds once the agent is back")
  func agentKilledMidPush() async throws {
    let harness = try await ClusterHarness(memoryBytes: Self.memoryBytes)
    let id = try await harness.migrate(to: "node-b")
    var seen: [String: Any] = [:]
    let running = try await eventually(timeout: .seconds(60), every: .milliseconds(10)) {
      let response = try await harness.agentRequest("node-a", "GET", "/v1/publications/\(id)")
      guard response.status == 200 else { return false }
      seen = try ClusterHarness.object(response.body)
      return seen["state"] as? String == "running" && (seen["bytesDone"] as? Int ?? 0) > 0
    }
    try #require(running, "the publication was never seen uploading: \(seen)")
    harness.agent("node-a").signal(SIGKILL)
    _ = await harness.agent("node-a").waitForExit()
    #expect((seen["bytesDone"] as? Int ?? 0) < (seen["bytesTotal"] as? Int ?? 0), "\(seen)")

    // The push fails while the agent is gone, then the agent comes back on its port.
    let failed = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
      let events = try await harness.get("/v1/migrations/\(id)/events")["items"] as? [[String: Any]] ?? []
      return events.contains { $0["type"] as? String == "attempt.failed" && $0["stage"] as? String == "push" }
    }
    #expect(failed, "no failed push attempt was recorded")
    try await harness.restartAgent("node-a")

    let job = try await harness.finished(id, timeout: .seconds(120))
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)")
    let push = (job["stages"] as? [[String: Any]])?.first { $0["name"] as? String == "push" }
    #expect((push?["attempts"] as? Int ?? 0) >= 2, "\(push ?? [:])")
    let events = try await harness.get("/v1/migrations/\(id)/events")["items"] as? [[String: Any]] ?? []
    let pushFailure = events.first { $0["type"] as? String == "attempt.failed" && $0["stage"] as? String == "push" }
    #expect("\(pushFailure ?? [:])".contains("node agent"), "\(pushFailure ?? [:])")
    #expect(events.contains { $0["type"] as? String == "stage.succeeded" && $0["stage"] as? String == "push" })
    await harness.stop()
  }

  @Test("SIGKILL of the controller mid-push: the restarted controller re-attaches to the agent's running upload")
  func controllerKilledMidPush() async throws {
    let harness = try await ClusterHarness(memoryBytes: Self.memoryBytes)
    let id = try await harness.migrate(to: "node-b")
    let running = try await eventually(timeout: .seconds(60), every: .milliseconds(10)) {
      let response = try await harness.agentRequest("node-a", "GET", "/v1/publications/\(id)")
      guard response.status == 200 else { return false }
      let publication = try ClusterHarness.object(response.body)
      return publication["state"] as? String == "running" && (publication["bytesDone"] as? Int ?? 0) > 0
    }
    try #require(running, "the publication was never seen uploading")
    harness.controller.signal(SIGKILL)
    _ = await harness.controller.waitForExit()
    try await harness.restartController()

    let job = try await harness.finished(id, timeout: .seconds(120))
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)")
    // One upload, joined by the restarted controller, not a second one.
    let starts = harness.agent("node-a").log.filter { $0.contains("\"publication started\"") && $0.contains(id) }
    #expect(starts.count == 1, "\(starts)")
    #expect(harness.controller.log.contains { $0.contains("jobs of a previous process returned to the queue") })
    await harness.stop()
  }

  @Test("cancelling the job mid-push cancels the agent's upload")
  func cancelMidPush() async throws {
    let harness = try await ClusterHarness(memoryBytes: Self.memoryBytes)
    let id = try await harness.migrate(to: "node-b")
    let running = try await eventually(timeout: .seconds(60), every: .milliseconds(10)) {
      let response = try await harness.agentRequest("node-a", "GET", "/v1/publications/\(id)")
      guard response.status == 200 else { return false }
      return try ClusterHarness.object(response.body)["state"] as? String == "running"
    }
    try #require(running, "the publication was never seen running")
    let cancel = try await RawHTTPClient.request(
      port: harness.port, "POST", "/v1/migrations/\(id)/cancel", headers: [("Authorization", "Bearer \(ClusterHarness.token)")])
    #expect(cancel.status == 200 || cancel.status == 202, "\(cancel.text)")
    let job = try await harness.finished(id, timeout: .seconds(30))
    #expect(job["state"] as? String == "canceled", "\(job)")
    let stopped = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) {
      harness.agent("node-a").log.contains { $0.contains("\"publication cancelled\"") && $0.contains(id) }
    }
    #expect(stopped, "the agent's upload was not cancelled")
    #expect(try await harness.agentRequest("node-a", "GET", "/v1/publications/\(id)").status == 404)
    await harness.stop()
  }
}
