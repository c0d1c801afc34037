import Foundation
import TestSupport
import Testing

/// An export of 100,000 jobs streams through a bounded amount of podhop's memory.
@Suite("Exports in bounded memory")
struct ExportMemoryTests {
  static let token = "e2e-reader-token-0123456789"

  /// The peak resident set of process `pid` so far, in bytes (`VmHWM`).
  static func peakResident(_ pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) * 1024
  }

  @Test("100,000 jobs as NDJSON: every job arrives, and podhop's peak memory grows far less than the export's size")
  func hundredThousandJobs() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try "auditor reader \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
    let arguments = ["serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db"]
    // The first start creates the schema; the jobs are then written straight into the file.
    let first = try PodhopProcess(arguments, directory: directory.path)
    _ = try await first.waitForPort()
    first.signal(SIGTERM)
    #expect(await first.waitForExit() == 0)
    let fill = """
      import sqlite3, time, uuid
      now = int(time.time() * 1e6)
      db = sqlite3.connect("podhop.db")
      db.executemany(
        "INSERT INTO migrations (id, state, stage, source_namespace, source_pod, target_node, source_policy,"
        " requested_by, trigger, created_at, updated_at, run_at, finished_at, labels)"
        " VALUES (?, 'succeeded', 'finalize', 'default', ?, 'node-b', 'delete', 'bulk', 'api', ?, ?, ?, ?, '{\\"team\\":\\"storage\\"}')",
        ((str(uuid.uuid4()), "pod-%d" % i, now + i, now + i, now + i, now + i) for i in range(100000)))
      db.commit()
      """
    let filled = try await Command.run(
      "/usr/bin/env", ["python3", "-c", fill], directory: directory.path, timeout: .seconds(120))
    #expect(filled.status == 0, "\(filled.stderr)")

    let server = try PodhopProcess(arguments, directory: directory.path)
    let port = try await server.waitForPort()
    let before = try Self.peakResident(server.pid)
    let started = ContinuousClock.now
    let export = try await Command.run(
      "/usr/bin/curl",
      [
        "-sS", "-o", "export.ndjson", "-w", "%{http_code} %{size_download}", "-H", "Authorization: Bearer \(Self.token)", "-H",
        "Accept: application/x-ndjson", "http://127.0.0.1:\(port)/v1/migrations",
      ],
      directory: directory.path, timeout: .seconds(300))
    let after = try Self.peakResident(server.pid)
    let answer = export.text.split(separator: " ")
    #expect(answer.first == "200", "\(export.text) \(export.stderr)")
    let size = Int(answer.last ?? "") ?? 0
    let lines = try await Command.run("/usr/bin/wc", ["-l", "export.ndjson"], directory: directory.path, timeout: .seconds(60))
    #expect(lines.text.hasPrefix("100000 "), "\(lines.text)")
    let growth = after - before
    print(
      "export: \(size) bytes in \(ContinuousClock.now - started); podhop peak resident \(before >> 20) MiB -> \(after >> 20) MiB")
    #expect(size > 32 << 20, "the export is \(size) bytes")
    #expect(growth < 24 << 20, "peak resident memory grew by \(growth >> 20) MiB for a \(size >> 20) MiB export")
    server.signal(SIGTERM)
    _ = await server.waitForExit()
  }
}
