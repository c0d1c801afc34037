import Foundation
import TestSupport
import Testing

extension HeavyEndToEndRuns {
  /// The CI-sized run of bench/migrate-load.py (the full one queues 1,000; see bench/README.md):
  /// migrations queued at once through the emulator and a real registry with 16 workers on eight
  /// nodes. Asserts that every job succeeds and that podhop's memory does not grow with the jobs
  /// done; the latency figures it prints are not asserted (speed figures belong to bench/).
  @Suite("load")
  struct LoadTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()

    @Test("100 migrations queued at once all succeed, and memory stays flat while they run")
    func queuedAtOnce() async throws {
      let binaries = URL(fileURLWithPath: PodhopProcess.executable).deletingLastPathComponent().path
      let result = try await Command.run(
        "/usr/bin/env",
        [
          "python3", Self.root.appending(path: "bench/migrate-load.py").path, "--jobs", "100", "--workers", "16", "--nodes", "4",
          "--bin", binaries, "--timeout", "240", "--json",
        ], timeout: .seconds(300))
      #expect(result.status == 0, "\(result.text)\n\(result.stderr.suffix(3000))")
      let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.text)")
      print("load: \(result.text)")
      #expect(summary["unfinished"] as? Int == 0)
      #expect((summary["outcomes"] as? [String: Int]) == ["succeeded": 100], "\(summary["outcomes"] ?? "")")
      // Flat: the peak of the second half of the run is not above the first half's by more than
      // 16 MiB. The first half already holds 16 jobs in flight (their buffers, connections and
      // SQLite's page caches), so what the second half adds can only be what finished jobs left
      // behind: 16 MiB over the ~50 jobs finished in between is > 320 KiB each, a leak the
      // 1,000-job bench run bounds twenty times tighter.
      let first = try #require(summary["rssFirstHalfMaxMiB"] as? Double)
      let second = try #require(summary["rssSecondHalfMaxMiB"] as? Double)
      #expect(second <= first + 16, "resident memory grew from \(first) MiB to \(second) MiB")
    }
  }
}
