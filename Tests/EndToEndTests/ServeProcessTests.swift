import Foundation
import TestSupport
import Testing

/// The real binary, started as users start it.
@Suite("podhop serve as a process")
struct ServeProcessTests {
  static let token = "e2e-operator-token-0123456789"

  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
    try "e2e operator \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
  }

  func start(_ extra: [String] = []) throws -> PodhopProcess {
    try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0"] + extra,
      directory: directory.path)
  }

  func post(_ port: UInt16, pod: String) async throws -> RawHTTPResponse {
    try await RawHTTPClient.request(
      port: port, "POST", "/v1/migrations",
      headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")],
      body: Array(#"{"source":{"namespace":"default","pod":"\#(pod)"},"targetNode":"node-b"}"#.utf8))
  }

  func get(_ port: UInt16, _ target: String) async throws -> RawHTTPResponse {
    try await RawHTTPClient.request(port: port, "GET", target, headers: [("Authorization", "Bearer \(Self.token)")])
  }

  @Test("kill -9 while jobs are being created, then a restart: every acknowledged job and its history is there")
  func killAndRestart() async throws {
    let server = try start()
    let port = try await server.waitForPort()
    let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
      for writer in 0..<4 {
        group.addTask {
          var ids: [String] = []
          for i in 0..<400 {
            guard let response = try? await post(port, pod: "w\(writer)-\(i)") else { break }  // the server died
            if response.status == 202,
              let id = try (JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["id"] as? String
            {
              ids.append(id)
            }
          }
          return ids
        }
      }
      group.addTask {
        _ = await eventually(timeout: .seconds(20)) {
          ((try? await get(port, "/metrics").text) ?? "").contains("podhop_queue_depth") && server.log.count > 100
        }
        server.signal(SIGKILL)
        return []
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(await server.waitForExit() != nil)
    #expect(acknowledged.count > 0 && acknowledged.count < 1600, "the kill must land while jobs are still being created")

    let restarted = try start()
    let newPort = try await restarted.waitForPort()
    for id in acknowledged {
      let job = try await get(newPort, "/v1/migrations/\(id)")
      #expect(job.status == 200, "job \(id) lost")
      let events = try await get(newPort, "/v1/migrations/\(id)/events")
      #expect(events.text.contains("\"job.created\""), "history of \(id) lost")
    }
    let running = try await get(newPort, "/v1/migrations?state=running")
    #expect(running.text.contains("\"items\":[]"), "a job stayed leased by the dead process")
    restarted.signal(SIGTERM)
    #expect(await restarted.waitForExit() == 0)
  }

  @Test("SIGTERM shuts down cleanly and says so")
  func sigterm() async throws {
    let server = try start()
    let port = try await server.waitForPort()
    #expect(try await post(port, pod: "counter").status == 202)
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
    #expect(server.log.contains { $0.contains("\"shutdown complete\"") })
  }

  @Test("a second server on the same database refuses to start, naming the lock")
  func oneProcessPerDatabase() async throws {
    let first = try start()
    _ = try await first.waitForPort()
    let second = try start()
    #expect(await second.waitForExit() == 1)
    #expect(second.log.joined().contains("in use by another podhop process"))
    first.signal(SIGTERM)
    _ = await first.waitForExit()
  }

  @Test("a database written by a newer podhop is refused at start-up")
  func newerDatabase() async throws {
    let first = try start()
    _ = try await first.waitForPort()
    first.signal(SIGTERM)
    _ = await first.waitForExit()
    try await runTool(
      "/usr/bin/python3",
      [
        "-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO schema_migrations VALUES (9999,'future','x','now')\"); c.commit()",
        directory.file("podhop.db"),
      ])
    let refused = try start()
    #expect(await refused.waitForExit() == 1)
    #expect(refused.log.joined().contains("9999"))
  }

  @Test("an invalid setting exits 2 naming it; --help lists the settings")
  func invalidSetting() async throws {
    let bad = try PodhopProcess(["serve", "--workers", "lots", "--tokens-file", "tokens"], directory: directory.path)
    #expect(await bad.waitForExit() == 2)
    #expect(bad.log.joined().contains("--workers"))
  }
}
