import Foundation
import TestSupport
import Testing

extension HeavyEndToEndRuns {
  /// The registry going away in the middle of a push, and coming back.
  @Suite("registry outage end to end")
  struct RegistryOutageTests {
    @Test("the registry killed mid-push and down for 20 s: the push is retried and the job succeeds")
    func registryDownDuringPush() async throws {
      // A 256 MiB memory image (half zero pages) makes the push last long enough for the kill to
      // land inside it: the job is polled every 10 ms and the registry killed as soon as the push
      // stage runs. Retries back off from 1 s up to 8 s, so ten attempts span the 20 s outage.
      let harness = try await MigrationHarness(
        nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")],
        pods: [MigrationHarness.pod("counter", memoryBytes: 256 << 20)],
        serveArguments: ["--retry-base-seconds", "1", "--retry-max-seconds", "8", "--max-attempts", "10"])
      let id = try await harness.migrate("counter", to: "node-b")
      let pushing = try await eventually(timeout: .seconds(120), every: .milliseconds(10)) {
        let job = try await harness.get("/v1/migrations/\(id)")
        return job["stage"] as? String == "push" || job["state"] as? String != "running" && job["state"] as? String != "queued"
      }
      let before = try await harness.get("/v1/migrations/\(id)")
      #expect(pushing && before["stage"] as? String == "push" && before["state"] as? String == "running", "\(before)")
      await harness.registry.stop()
      let stoppedAt = ContinuousClock.now
      // While the registry is down the job keeps failing attempts, but does not fail.
      try await Task.sleep(for: .seconds(20))
      let during = try await harness.get("/v1/migrations/\(id)")
      #expect(during["state"] as? String != "failed", "\(during)")
      try await harness.registry.restart()
      let job = try await harness.finished(id, timeout: .seconds(120))
      let events = try await harness.events(id)
      #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? job)\n\(events)")
      let pushFailures = events.filter { $0["type"] as? String == "attempt.failed" && $0["stage"] as? String == "push" }
      #expect(pushFailures.count >= 1, "the kill did not land during the push: \(events)")
      #expect(ContinuousClock.now - stoppedAt >= .seconds(20))
      // The image the job recorded is in the registry, whole.
      let image = try #require(job["image"] as? [String: String])
      let manifest = try await Command.run(
        "/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(image["repository"]!)@\(image["digest"]!)"])
      #expect(manifest.status == 0, "\(manifest.stderr)")
      await harness.stop()
    }
  }
}
