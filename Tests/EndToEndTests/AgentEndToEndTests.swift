import Foundation
import TestSupport
import Testing

/// The multi-node path: controller (in-cluster configuration) → source node's agent → registry →
/// restore, with real `podhop agent` processes, the cluster emulator and docker-registry.
@Suite("Node agents end to end")
struct AgentEndToEndTests {
  @Test("a pod moves node-a → node-b through node-a's agent, which then deletes the archive; the agents refuse other tokens")
  func migrationThroughAgent() async throws {
    let harness = try await ClusterHarness()
    let id = try await harness.migrate(to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)")
    #expect((job["restoredPod"] as? [String: String])?["node"] == "node-b")
    let digest = try #require((job["image"] as? [String: String])?["digest"])

    // node-a's agent published it (the controller has no archive directory at all) …
    let publication = try ClusterHarness.object(try await harness.agentRequest("node-a", "GET", "/v1/publications/\(id)").body)
    #expect(publication["state"] as? String == "succeeded" && publication["manifestDigest"] as? String == digest)
    #expect((publication["bytesDone"] as? Int ?? 0) > 0 && publication["bytesDone"] as? Int == publication["bytesTotal"] as? Int)
    // … and deleted the archive after the migration; node-b's agent never saw one.
    let archives = try FileManager.default.contentsOfDirectory(atPath: harness.directory.file("checkpoints-node-a"))
    #expect(archives.isEmpty, "\(archives)")
    #expect(try await harness.agentRequest("node-b", "GET", "/v1/publications/\(id)").status == 404)

    for token in [nil, "not-the-agent-token-0123456789"] {
      let response = try await harness.agentRequest("node-a", "GET", "/v1/archives", token: token)
      #expect(response.status == 401 && response.headers["Content-Type"] == "application/problem+json")
    }
    await harness.stop()
  }

  @Test("SIGKILL of the source node's agent mid-push: the push attempt fails, is retried, and succeeds once the agent is back")
  func agentKilledMidPush() async throws {
    // A 384 MiB memory image (half random) makes the upload last long enough to be seen running.
    let harness = try await ClusterHarness(memoryBytes: 384 << 20)
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
    let harness = try await ClusterHarness(memoryBytes: 384 << 20)
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
    let harness = try await ClusterHarness(memoryBytes: 384 << 20)
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

  @Test("a registry that refuses the agent's credentials fails the push at once, without retries, with the registry's reason")
  func registryRefusesAgent() async throws {
    let harness = try await ClusterHarness(registryVariant: .basicAuth)
    let id = try await harness.migrate(to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "failed" && job["stage"] as? String == "push", "\(job)")
    let message = (job["error"] as? [String: Any])?["message"] as? String ?? ""
    #expect(message.contains("node-a") && message.contains("not authorized"), "\(message)")
    let push = (job["stages"] as? [[String: Any]])?.first { $0["name"] as? String == "push" }
    #expect(push?["attempts"] as? Int == 1, "\(push ?? [:])")
    // The archive stays (the migration did not succeed); retention removes it later.
    #expect(try FileManager.default.contentsOfDirectory(atPath: harness.directory.file("checkpoints-node-a")).count == 1)
    await harness.stop()
  }

  @Test("a controller whose agent token the agents refuse fails the job at once, saying which setting to fix")
  func wrongAgentToken() async throws {
    let harness = try await ClusterHarness(controllerAgentToken: "some-other-agent-token-0123")
    let id = try await harness.migrate(to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "failed" && job["stage"] as? String == "checkpoint", "\(job)")
    let message = (job["error"] as? [String: Any])?["message"] as? String ?? ""
    #expect(message.contains("401") && message.contains("--agent-token-file"), "\(message)")
    await harness.stop()
  }
}
