import Foundation
import TestSupport
import Testing

extension HeavyEndToEndRuns {
  /// `podhop serve` killed with SIGKILL at random moments while 50 migrations run through the
  /// emulator and a real registry, and restarted each time, until every job has finished.
  @Suite("kill -9 during migrations")
  struct CrashChaosTests {
    static let jobs = 50

    /// SplitMix64: a small seeded generator, so a failing run can be replayed with its seed.
    struct SeededGenerator: RandomNumberGenerator {
      var state: UInt64
      mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
      }
    }

    @Test(
      "every job succeeds, no restored pod is created twice, no source is deleted before its restored pod is Ready, every pushed image is a job's"
    )
    func killNineDuringMigrations() async throws {
      let seed = ProcessInfo.processInfo.environment["PODHOP_CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)
      print("kill -9 chaos seed: \(seed) (PODHOP_CHAOS_SEED=\(seed) replays the kill schedule)")
      var random = SeededGenerator(state: seed)
      let pods = (0..<Self.jobs).map { "app-\($0)" }
      // Short leases are not needed: start-up returns a dead process's jobs to the queue at once.
      let harness = try await MigrationHarness(
        nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")],
        pods: pods.map { MigrationHarness.pod($0, memoryBytes: 256 << 10) },
        serveArguments: ["--workers", "6", "--node-limit", "0", "--max-attempts", "20"])
      var ids: [String: String] = [:]
      for pod in pods { ids[pod] = try await harness.migrate(pod, to: "node-b") }

      var server = harness.podhop
      var port = harness.port
      var kills = 0
      var violations: [String] = []
      let deadline = ContinuousClock.now + .seconds(180)
      while ContinuousClock.now < deadline {
        // Let it work for 0.1–1.5 s, checking the source-deletion rule on the way, then kill it.
        let runFor = Duration.milliseconds(Int.random(in: 100...1500, using: &random))
        let until = ContinuousClock.now + runFor
        while ContinuousClock.now < until {
          violations += try await Self.sourceRuleViolations(harness)
          try await Task.sleep(for: .milliseconds(100))
        }
        if try await Self.unfinished(port: port).isEmpty { break }
        server.signal(SIGKILL)
        #expect(await server.waitForExit() != nil)
        kills += 1
        server = try harness.startPodhop()
        port = try await server.waitForPort()
      }
      print("kill -9 chaos: \(kills) kills (seed \(seed))")
      // The last process runs to the end undisturbed.
      _ = try await eventually(timeout: .seconds(120), every: .milliseconds(250)) {
        violations += try await Self.sourceRuleViolations(harness)
        return try await Self.unfinished(port: port).isEmpty
      }
      #expect(kills >= 3, "seed \(seed): too few kills landed to prove anything")
      #expect(violations.isEmpty, "seed \(seed): \(violations.prefix(5))")

      var images: [String: String] = [:]
      for (pod, id) in ids {
        let job = try await Self.get(port: port, "/v1/migrations/\(id)")
        #expect(job["state"] as? String == "succeeded", "seed \(seed): \(pod): \(job["error"] ?? job["state"] ?? "")")
        let image = job["image"] as? [String: String] ?? [:]
        images["\(image["repository"] ?? "")@\(image["reference"] ?? "")"] = image["digest"]
      }

      // One restored pod per source, never a second one created and deleted, every source gone.
      let state = try await harness.clusterState()
      let live = state["pods"] as? [[String: Any]] ?? []
      let deleted = state["deletedPods"] as? [[String: Any]] ?? []
      for pod in pods {
        let restored = live.filter { ($0["name"] as? String)?.hasPrefix("\(pod)-hop-") == true }
        #expect(restored.count == 1, "seed \(seed): \(pod) has \(restored.count) restored pods")
        #expect(restored.first?["ready"] as? Bool == true && restored.first?["node"] as? String == "node-b")
        #expect(!live.contains { $0["name"] as? String == pod }, "seed \(seed): source \(pod) was not deleted")
      }
      let deletedRestores = deleted.compactMap { $0["name"] as? String }.filter { $0.contains("-hop-") }
      #expect(deletedRestores.isEmpty, "seed \(seed): restored pods deleted (created twice?): \(deletedRestores)")

      // Every tag in the registry belongs to a job, with the digest the job recorded.
      var tags = 0
      let catalog = try await Self.registryJSON(harness, "/v2/_catalog?n=1000")["repositories"] as? [String] ?? []
      for repository in catalog {
        let list = try await Self.registryJSON(harness, "/v2/\(repository)/tags/list")["tags"] as? [String] ?? []
        for tag in list {
          tags += 1
          let key = "\(harness.registry.address)/\(repository)@\(tag)"
          let manifest = try await RawHTTPClient.request(
            port: harness.registry.port, "GET", "/v2/\(repository)/manifests/\(tag)",
            headers: [("Accept", "application/vnd.oci.image.manifest.v1+json")])
          #expect(
            images[key] != nil && images[key] == manifest.headers["Docker-Content-Digest"],
            "seed \(seed): \(key) (\(manifest.headers["Docker-Content-Digest"] ?? "?")) is not the image a job recorded")
        }
      }
      #expect(tags == Self.jobs, "seed \(seed): \(tags) tags for \(Self.jobs) jobs")

      server.signal(SIGTERM)
      #expect(await server.waitForExit() == 0)
      await harness.stop()
    }

    /// Source pods that are gone while their restored pod is missing or not Ready.
    static func sourceRuleViolations(_ harness: MigrationHarness) async throws -> [String] {
      let state = try await harness.clusterState()
      let live = state["pods"] as? [[String: Any]] ?? []
      let deleted = (state["deletedPods"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
      return deleted.filter { !$0.contains("-hop-") }.compactMap { source in
        let restored = live.first { ($0["name"] as? String)?.hasPrefix("\(source)-hop-") == true }
        return restored?["ready"] as? Bool == true ? nil : "\(source) deleted without a Ready restored pod"
      }
    }

    /// Ids of jobs not yet succeeded, failed or canceled.
    static func unfinished(port: UInt16) async throws -> [String] {
      var ids: [String] = []
      for state in ["queued", "running"] {
        let page = try await get(port: port, "/v1/migrations?state=\(state)&limit=500")
        ids += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
      }
      return ids
    }

    static func get(port: UInt16, _ target: String) async throws -> [String: Any] {
      let response = try await RawHTTPClient.request(
        port: port, "GET", target, headers: [("Authorization", "Bearer \(MigrationHarness.token)")])
      guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
        throw RawHTTPClientError(description: "\(target): \(response.status) \(response.text)")
      }
      return object
    }

    static func registryJSON(_ harness: MigrationHarness, _ target: String) async throws -> [String: Any] {
      let response = try await RawHTTPClient.get(port: harness.registry.port, target)
      return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }
  }
}
