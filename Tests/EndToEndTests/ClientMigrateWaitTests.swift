import Foundation
import TestSupport
import Testing

/// `podhop migrate --wait` following a real migration through every stage (podhop serve, the
/// cluster emulator and a real registry).
@Suite("podhop migrate --wait")
struct ClientMigrateWaitTests {
  @Test("follows a migration to the end, one plain line per change, and names the restored pod")
  func waitForSuccess() async throws {
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")], pods: [MigrationHarness.pod("counter")])
    let result = try await Command.run(
      PodhopProcess.executable, ["migrate", "default/counter", "--to", "node-b", "--wait", "--timeout", "90"],
      directory: harness.directory.path,
      environment: ["PODHOP_SERVER": "http://127.0.0.1:\(harness.port)", "PODHOP_TOKEN": MigrationHarness.token],
      timeout: .seconds(120))
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.text.split(separator: "\n").map(String.init)
    let id = try #require(lines.first)
    #expect(UUID(uuidString: id) != nil, "\(lines)")

    let final = try #require(lines.last)
    let job = try await harness.get("/v1/migrations/\(id)")
    let restored = try #require(job["restoredPod"] as? [String: Any])
    #expect(final == "succeeded: restored as default/\(restored["name"] as? String ?? "?") on node-b")
    #expect(final.hasPrefix("succeeded: restored as default/counter-"))

    // Progress lines: HH:MM:SS, +elapsed, stage, attempt, state; stages appear in order.
    let progress = lines.dropFirst().dropLast()
    let pattern = /^\d\d:\d\d:\d\d  \+\d+\.\ds\s+(preflight|checkpoint|build|push|restore|finalize)\s+attempt \d+  [a-z]+$/
    for line in progress {
      #expect(line.wholeMatch(of: pattern) != nil, "not a progress line: \(line)")
    }
    #expect(progress.last?.hasSuffix("succeeded") == true, "\(lines)")
    let stages = progress.compactMap { line in line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first }
    let order = ["preflight", "checkpoint", "build", "push", "restore", "finalize"]
    let indexes = stages.compactMap { order.firstIndex(of: String($0)) }
    #expect(indexes == indexes.sorted(), "stages out of order: \(stages)")
    await harness.stop()
  }
}
