import Crypto
import Foundation
import TestSupport
import Testing

/// A drain system empties a node with one signed webhook: podhop plans every pod, spreads the
/// movable ones over the compatible nodes with room, lists the rest with the reason, and runs
/// the jobs through the emulator and the real registry.
@Suite("Evacuations end to end")
struct EvacuationEndToEndTests {
  static let key = [UInt8](repeating: 0x42, count: 32)

  static func pod(_ name: String, extra: String = "", containers: Int = 1) -> String {
    let list = (0..<containers).map { index in
      #"{"name": "app\#(index == 0 ? "" : String(index))", "image": "docker.io/library/busybox:latest", "requests": {"cpu": "500m", "memory": "256Mi"}}"#
    }
    return """
      {"namespace": "default", "name": "\(name)", "node": "node-a", "containers": [\(list.joined(separator: ","))],
       "memoryBytes": 1048576\(extra)}
      """
  }

  static func signed(_ body: String, id: String) -> [(String, String)] {
    let timestamp = String(Int64(Date().timeIntervalSince1970))
    let signature = Data(HMACSHA256.authenticate(Array("\(id).\(timestamp).\(body)".utf8), key: key)).base64EncodedString()
    return [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", "v1,\(signature)")]
  }

  @Test("one signed drain webhook: three pods spread over the two compatible nodes, the DaemonSet and two-container pods stay")
  func drainHook() async throws {
    let roomy = #", "cpu": "4", "memory": "8Gi""#
    let harness = try await MigrationHarness(
      nodes: [
        MigrationHarness.node("node-a", extra: roomy), MigrationHarness.node("node-b", extra: roomy),
        MigrationHarness.node("node-c", extra: roomy), MigrationHarness.node("node-d", runtime: "cri-o://1.30.0", extra: roomy),
      ],
      pods: [
        Self.pod("web-1"), Self.pod("web-2"), Self.pod("web-3"), Self.pod("sidecars", containers: 2),
        Self.pod(
          "node-agent",
          extra:
            #", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u1", "controller": true}]"#
        ),
      ],
      serveArguments: ["--hooks-file", "hooks", "--node-limit", "0"],
      files: ["hooks": "maintenance drain standard-webhooks whsec_\(Data(Self.key).base64EncodedString())\n"])
    let body = #"{"node":"node-a","labels":{"ticket":"MAINT-7"}}"#
    let response = try await RawHTTPClient.request(
      port: harness.port, "POST", "/v1/hooks/maintenance",
      headers: [("Content-Type", "application/json")] + Self.signed(body, id: "drain-1"),
      body: Array(body.utf8))
    #expect(response.status == 202, "\(response.text)")
    let evacuation = try harness.object(response.body)
    let id = try #require(evacuation["id"] as? String)
    let jobs = evacuation["jobs"] as? [[String: Any]] ?? []
    #expect(jobs.compactMap { $0["pod"] as? String } == ["default/web-1", "default/web-2", "default/web-3"])
    let targets = jobs.compactMap { $0["targetNode"] as? String }
    #expect(Set(targets) == ["node-b", "node-c"], "spread over both compatible nodes, never node-d: \(targets)")
    #expect(jobs.allSatisfy { ($0["targetReason"] as? String)?.contains("passes pre-flight") == true })
    let skipped = Dictionary(
      uniqueKeysWithValues: (evacuation["skipped"] as? [[String: String]] ?? []).map { ($0["pod"] ?? "", $0["reason"] ?? "") })
    #expect(skipped.keys.sorted() == ["default/node-agent", "default/sidecars"])
    #expect(skipped["default/node-agent"]?.contains("DaemonSet agent") == true)
    #expect(skipped["default/sidecars"]?.contains("2 app containers") == true)

    let again = try await RawHTTPClient.request(
      port: harness.port, "POST", "/v1/hooks/maintenance",
      headers: [("Content-Type", "application/json")] + Self.signed(body, id: "drain-1"),
      body: Array(body.utf8))
    #expect(again.status == 202 && again.headers["Idempotent-Replayed"] == "true")
    #expect(try harness.object(again.body)["id"] as? String == id)

    var finished: [String: Any] = [:]
    _ = try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
      finished = try await harness.get("/v1/evacuations/\(id)")
      return finished["state"] as? String == "completed"
    }
    #expect(finished["state"] as? String == "completed", "\(finished)")
    let summary = finished["summary"] as? [String: Int] ?? [:]
    #expect(summary["succeeded"] == 3 && summary["skipped"] == 2, "\(summary)")
    let pods = try await harness.clusterState()["pods"] as? [[String: Any]] ?? []
    let onA = pods.filter { $0["node"] as? String == "node-a" }.compactMap { $0["name"] as? String }.sorted()
    #expect(onA == ["node-agent", "sidecars"])
    #expect(pods.filter { $0["node"] as? String == "node-d" }.isEmpty)
    let child = try await harness.get("/v1/migrations/\((jobs.first?["id"] as? String) ?? "")")
    #expect(child["evacuationId"] as? String == id && child["requestedBy"] as? String == "hook:maintenance")
    #expect((child["labels"] as? [String: String])?["ticket"] == "MAINT-7" && child["deliveryId"] as? String == "drain-1")
    let audit = try await harness.get("/v1/audit?target=evacuation/\(id)")["items"] as? [[String: Any]] ?? []
    #expect(audit.compactMap { $0["action"] as? String } == ["evacuation.completed", "evacuation.created"])
    #expect(audit.compactMap { $0["actor"] as? String } == ["podhop", "hook:maintenance"])

    // A migration that names no target gets one chosen the same way, or a 422 saying why none fits.
    let lonely = try await RawHTTPClient.request(
      port: harness.port, "POST", "/v1/migrations",
      headers: [("Authorization", "Bearer \(MigrationHarness.token)"), ("Content-Type", "application/json")],
      body: Array(#"{"source":{"namespace":"default","pod":"sidecars","container":"app"}}"#.utf8))
    #expect(lonely.status == 422, "\(lonely.text)")
    #expect(lonely.text.contains("2 app containers"), "\(lonely.text)")
    await harness.stop()
  }

  @Test("podhop evacuate NODE --wait prints the plan, each job as it ends, and exits 0 when all moved")
  func evacuateCommand() async throws {
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")],
      pods: [
        Self.pod("web-1"), Self.pod("web-2"),
        Self.pod(
          "agent",
          extra:
            #", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u2", "controller": true}]"#
        ),
      ])
    let result = try await Command.run(
      PodhopProcess.executable, ["evacuate", "node-a", "--wait", "--timeout", "90"], directory: harness.directory.path,
      environment: ["PODHOP_SERVER": "http://127.0.0.1:\(harness.port)", "PODHOP_TOKEN": MigrationHarness.token],
      timeout: .seconds(120))
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.text.split(separator: "\n").map(String.init)
    #expect(
      lines.first?.hasPrefix("evacuation ") == true && lines.first?.hasSuffix(" of node-a: 2 pods to move, 1 staying") == true)
    #expect(lines.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true) == ["POD", "TARGET", "JOB"])
    #expect(lines.contains { $0.hasPrefix("stays: default/agent: managed by DaemonSet agent") }, "\(lines)")
    #expect(lines.filter { $0.hasSuffix("→ node-b  succeeded") }.count == 2, "\(lines)")
    #expect(lines.last == "completed: 2 moved, 0 failed or canceled, 1 stayed")
    await harness.stop()
  }
}
