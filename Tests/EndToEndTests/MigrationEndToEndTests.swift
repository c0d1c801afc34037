import Foundation
import TestSupport
import Testing

/// Whole migrations through podhop serve, the cluster emulator and a real registry.
@Suite("Migrations end to end")
struct MigrationEndToEndTests {
  @Test("a pod moves: restored on the target from the pushed image, source deleted, every stage in the history")
  func migrationSucceeds() async throws {
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")], pods: [MigrationHarness.pod("counter")])
    let id = try await harness.migrate("counter", to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)")
    let restored = try #require(job["restoredPod"] as? [String: String])
    #expect(restored["node"] == "node-b")
    let image = try #require(job["image"] as? [String: String])
    let digest = try #require(image["digest"])

    let state = try await harness.clusterState()
    let pods = state["pods"] as? [[String: Any]] ?? []
    let restoredPod = try #require(pods.first { ($0["name"] as? String) == restored["name"] })
    let container = try #require((restoredPod["containers"] as? [[String: Any]])?.first)
    #expect(restoredPod["node"] as? String == "node-b" && restoredPod["ready"] as? Bool == true, "\(restoredPod)")
    #expect(
      container["restored"] as? Bool == true && (container["restoredFrom"] as? String)?.contains(digest) == true, "\(container)")
    #expect(!pods.contains { ($0["name"] as? String) == "counter" }, "the source pod is still there")

    let raw = Data(
      try await runTool(
        "/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(image["repository"]!)@\(digest)"]))
    let manifest = try #require(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
    #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
    let annotations = manifest["annotations"] as? [String: String] ?? [:]
    #expect(annotations["io.kubernetes.cri-o.annotations.checkpoint.name"] == "app")
    #expect(annotations["org.criu.checkpoint.container.name"] == "app")

    let succeeded = try await harness.events(id).filter { $0["type"] as? String == "stage.succeeded" }.compactMap {
      $0["stage"] as? String
    }
    #expect(succeeded == ["preflight", "checkpoint", "build", "push", "restore", "finalize"])
    await harness.stop()
  }

  @Test("a runtime mismatch is refused at pre-flight, naming both versions, and nothing is checkpointed")
  func runtimeMismatch() async throws {
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-c", runtime: "cri-o://1.30.0")],
      pods: [MigrationHarness.pod("counter")])
    let id = try await harness.migrate("counter", to: "node-c")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "failed" && job["stage"] as? String == "preflight")
    let message = (job["error"] as? [String: Any])?["message"] as? String ?? ""
    #expect(message.contains("cri-o://1.31.3") && message.contains("cri-o://1.30.0"), "\(message)")
    let report = job["preflight"] as? [[String: String]] ?? []
    #expect(report.contains { $0["name"] == "runtime-match" && $0["result"] == "fail" })
    let checkpoints = try await harness.clusterState()["checkpoints"] as? [Any] ?? []
    #expect(checkpoints.isEmpty)

    // The same question without creating a job.
    let dryRun = try await RawHTTPClient.request(
      port: harness.port, "POST", "/v1/preflight",
      headers: [("Authorization", "Bearer \(MigrationHarness.token)"), ("Content-Type", "application/json")],
      body: Array(#"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-c"}"#.utf8))
    let answer = try harness.object(dryRun.body)
    #expect(dryRun.status == 200 && answer["passed"] as? Bool == false && answer["sourceNode"] as? String == "node-a")
    #expect(
      (answer["checks"] as? [[String: String]])?.contains { $0["name"] == "runtime-match" && $0["result"] == "fail" } == true)
    let ok = try harness.object(
      try await RawHTTPClient.request(
        port: harness.port, "POST", "/v1/preflight",
        headers: [("Authorization", "Bearer \(MigrationHarness.token)"), ("Content-Type", "application/json")],
        body: Array(#"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-a"}"#.utf8)
      ).body)
    #expect(ok["passed"] as? Bool == false)  // the pod already runs on node-a
    let jobs = try await harness.get("/v1/migrations")["items"] as? [Any] ?? []
    #expect(jobs.count == 1, "pre-flight created a job")
    await harness.stop()
  }

  @Test("a restore the runtime refuses fails the job with its message, removes the restore pod and keeps the source")
  func failingRestore() async throws {
    // node-b lacks the base image and cannot pull it, so CRI-O cannot restore on it.
    let harness = try await MigrationHarness(
      nodes: [
        MigrationHarness.node("node-a"),
        #"{"name": "node-b", "os": "linux", "architecture": "amd64", "runtime": "cri-o://1.31.3", "images": [], "allowPulls": false}"#,
      ],
      pods: [MigrationHarness.pod("counter")])
    let id = try await harness.migrate("counter", to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "failed" && job["stage"] as? String == "restore", "\(job)")
    let message = (job["error"] as? [String: Any])?["message"] as? String ?? ""
    #expect(message.contains("busybox"), "\(message)")
    let pods = try await harness.clusterState()["pods"] as? [[String: Any]] ?? []
    #expect(pods.contains { ($0["name"] as? String) == "counter" }, "the source pod must stay")
    #expect(!pods.contains { ($0["name"] as? String)?.contains("-hop-") == true }, "the restore pod must be removed")
    await harness.stop()
  }

  @Test("a transient 500 from the kubelet on checkpoint is retried, and the history shows it")
  func transientCheckpointFailure() async throws {
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")], pods: [MigrationHarness.pod("counter")])
    try await harness.inject("checkpoint", count: 1, status: 500, message: "cannot pause a paused container")
    let id = try await harness.migrate("counter", to: "node-b")
    let job = try await harness.finished(id)
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)")
    let events = try await harness.events(id)
    #expect(events.contains { $0["type"] as? String == "attempt.failed" && $0["stage"] as? String == "checkpoint" })
    #expect(events.contains { $0["type"] as? String == "retry.scheduled" && $0["stage"] as? String == "checkpoint" })
    let stages = job["stages"] as? [[String: Any]] ?? []
    #expect(stages.first { $0["name"] as? String == "checkpoint" }?["attempts"] as? Int == 2)
    await harness.stop()
  }
}
