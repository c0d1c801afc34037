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
