import Foundation
import TestSupport
import Testing

/// `podhop audit verify` on the database of a real `podhop serve`, while it runs, and after
/// someone with write access to the file edits a record.
@Suite("podhop audit verify")
struct AuditCommandTests {
  static let token = "e2e-operator-token-0123456789"

  @Test("an untouched trail verifies while the server runs; an edited record makes it exit 1 naming the record")
  func verify() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try "e2e operator \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
    let server = try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0"],
      directory: directory.path)
    let port = try await server.waitForPort()
    for pod in ["a", "b", "c"] {
      let response = try await RawHTTPClient.request(
        port: port, "POST", "/v1/migrations",
        headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")],
        body: Array(#"{"source":{"namespace":"default","pod":"\#(pod)"},"targetNode":"node-b"}"#.utf8))
      #expect(response.status == 202)
    }
    let intact = try await Command.run(
      PodhopProcess.executable, ["audit", "verify", "--database", "podhop.db"], directory: directory.path, timeout: .seconds(60))
    #expect(intact.status == 0, "\(intact.stderr)")
    // Three creations, and (no cluster is configured) each job's start and failure as they happen.
    let summary = String(decoding: intact.stdout, as: UTF8.self)
    let count = Int(summary.split(separator: " ").dropFirst(3).first ?? "") ?? 0
    #expect(summary.hasPrefix("audit chain intact: ") && summary.contains(" records; last hash ") && (3...9).contains(count))
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)

    // Whoever can write the file can drop the append-only triggers; the chain still shows the edit.
    let tamper = """
      import sqlite3
      db = sqlite3.connect("podhop.db")
      db.executescript("DROP TRIGGER audit_records_no_update; UPDATE audit_records SET actor = 'mallory' WHERE seq = 1;")
      db.commit()
      """
    let edited = try await Command.run(
      "/usr/bin/env", ["python3", "-c", tamper], directory: directory.path, timeout: .seconds(60))
    #expect(edited.status == 0, "\(edited.stderr)")
    let broken = try await Command.run(
      PodhopProcess.executable, ["audit", "verify", "--database", "podhop.db"], directory: directory.path, timeout: .seconds(60))
    #expect(broken.status == 1)
    #expect(broken.stderr.contains("audit chain broken at record 1 (migration.created migration/"))
    #expect(broken.stderr.contains("by mallory)"))
    let usage = try await Command.run(
      PodhopProcess.executable, ["audit", "verify"], directory: directory.path, timeout: .seconds(60))
    #expect(usage.status == 2 && usage.stderr.contains("--database FILE is required"))
  }
}
