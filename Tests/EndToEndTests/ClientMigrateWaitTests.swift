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

/// Following a migration live: the event stream from the command line, and the terminal
/// status block with push progress.
@Suite("following a running migration")
struct ClientFollowTests {
  static func environment(_ harness: MigrationHarness) -> [String: String] {
    ["PODHOP_SERVER": "http://127.0.0.1:\(harness.port)", "PODHOP_TOKEN": MigrationHarness.token]
  }

  @Test("jobs events --follow prints every event of a running migration once, in order, and exits 0 when it succeeds")
  func followToSuccess() async throws {
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")], pods: [MigrationHarness.pod("counter")])
    let id = try await harness.migrate("counter", to: "node-b")
    let result = try await Command.run(
      PodhopProcess.executable, ["jobs", "events", id, "--follow"], directory: harness.directory.path,
      environment: Self.environment(harness), timeout: .seconds(120))
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.text.split(separator: "\n").map(String.init)
    #expect(lines.dropLast().last?.contains("job.succeeded") == true, "\(lines)")
    #expect(lines.last?.hasPrefix("succeeded: restored as default/counter-") == true, "\(lines)")
    // The rows are the server's history, each once and in order.
    let history = try await harness.events(id).compactMap { $0["type"] as? String }
    let printed = lines.dropFirst().dropLast().map { line in
      String(line.dropFirst(21).prefix(while: { $0 != " " }))
    }
    #expect(printed == history, "\(lines)")
    await harness.stop()
  }

  @Test("migrate --wait on a terminal redraws a status block with push progress; the job shows bytes done and total")
  func terminalStatusAndProgress() async throws {
    let archiveMemory = 384 << 20  // big enough for the push to take a few progress writes
    let harness = try await MigrationHarness(
      nodes: [MigrationHarness.node("node-a"), MigrationHarness.node("node-b")],
      pods: [MigrationHarness.pod("counter", memoryBytes: archiveMemory)],
      // Restoring a 384 MiB image while the heavy suites run can take longer than the default 20 s.
      serveArguments: ["--restore-timeout-seconds", "180"])
    let command = "'\(PodhopProcess.executable)' migrate default/counter --to node-b --wait --timeout 240"
    async let terminal = Command.run(
      "/usr/bin/script", ["-qec", command, "/dev/null"], directory: harness.directory.path,
      environment: Self.environment(harness).merging(["TERM": "xterm"]) { $1 }, timeout: .seconds(300))

    // Meanwhile, read the job as any API client would and keep the progress seen in the push.
    var samples: [[String: Any]] = []
    var job: [String: Any] = [:]
    for _ in 0..<3000 {  // 100 ms apart: at most about 5 minutes
      let page = try await harness.get("/v1/migrations")
      if let listed = (page["items"] as? [[String: Any]])?.first, let id = listed["id"] as? String {
        job = try await harness.get("/v1/migrations/\(id)")
        if job["stage"] as? String == "push", let progress = job["progress"] as? [String: Any] { samples.append(progress) }
        if let state = job["state"] as? String, !["queued", "running"].contains(state) { break }
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    let output = try await terminal
    #expect(output.status == 0, "\(output.stderr)")
    #expect(job["state"] as? String == "succeeded", "\(job["error"] ?? "")")
    #expect(job["progress"] == nil)

    let size = try #require((job["checkpoint"] as? [String: Any])?["sizeBytes"] as? Int)
    #expect(size > archiveMemory)
    #expect(!samples.isEmpty, "no progress seen during the push")
    let done = samples.compactMap { $0["bytesDone"] as? Int }
    #expect(done == done.sorted(), "progress went backwards without a retry: \(done)")
    for sample in samples {
      #expect(sample["stage"] as? String == "push")
      #expect(sample["bytesTotal"] as? Int == size)
      let done = try #require(sample["bytesDone"] as? Int)
      #expect(done > 0 && done <= size)
      #expect(sample["updatedAt"] is String)
    }

    // The block was redrawn in place (cursor up, clear line), showed the push's bytes, and the
    // last line names the restored pod.
    let text = output.text
    #expect(text.contains("\u{1B}[2K"), "\(text.suffix(400))")
    #expect(text.contains("\u{1B}[5A") || text.contains("\u{1B}[4A"), "\(text.suffix(400))")
    #expect(text.contains("  elapsed  "))
    #expect(text.contains("  push     ") && text.contains(" of "), "\(text.suffix(800))")
    let restored = try #require(job["restoredPod"] as? [String: Any])
    let name = try #require(restored["name"] as? String)
    // A terminal ends lines with CR LF, which Swift sees as one Character.
    let lastLine = text.components(separatedBy: .newlines).last { !$0.isEmpty } ?? ""
    #expect(lastLine == "succeeded: restored as default/\(name) on node-b", "\(text.suffix(400))")
    await harness.stop()
  }
}
