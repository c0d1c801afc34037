import Foundation
import TestSupport
import Testing

/// The client subcommands against an API-only `podhop serve` (no cluster: every job fails at
/// pre-flight with "not configured", which is what the failure paths need).
@Suite("podhop client commands against an API-only server")
struct ClientCommandTests {
  static let token = "e2e-client-token-0123456789"

  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
    try "e2e operator \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
  }

  func start() async throws -> (PodhopProcess, UInt16) {
    let server = try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0"],
      directory: directory.path)
    return (server, try await server.waitForPort())
  }

  func stop(_ server: PodhopProcess) async {
    server.signal(SIGTERM)
    _ = await server.waitForExit()
  }

  /// Runs the CLI with PODHOP_SERVER (and PODHOP_TOKEN unless `token` is nil).
  func podhop(_ arguments: [String], port: UInt16, token: String? = token) async throws -> CommandResult {
    var environment = ["PODHOP_SERVER": "http://127.0.0.1:\(port)", "PODHOP_TOKEN": token ?? ""]
    if token == nil { environment["PODHOP_TOKEN"] = "" }
    return try await Command.run(
      PodhopProcess.executable, arguments, directory: directory.path, environment: environment, timeout: .seconds(60))
  }

  @Test("an invalid pod name exits 1 with the server's problem and the field at fault")
  func problemRendering() async throws {
    let (server, port) = try await start()
    let result = try await podhop(["migrate", "default/Not_A_Pod", "--to", "node-b"], port: port)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("podhop: 422 "), "\(result.stderr)")
    #expect(result.stderr.contains("\n  source.pod: "), "\(result.stderr)")
    #expect(result.text.isEmpty)
    await stop(server)
  }

  @Test("without a token the command says how to give one and exits 2; a token file works")
  func token() async throws {
    let (server, port) = try await start()
    let missing = try await podhop(["jobs", "list"], port: port, token: nil)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("PODHOP_TOKEN") && missing.stderr.contains("--token-file"), "\(missing.stderr)")
    try "\(Self.token)\nignored\n".write(toFile: directory.file("token"), atomically: true, encoding: .utf8)
    let fromFile = try await podhop(["jobs", "list", "--token-file", "token"], port: port, token: nil)
    #expect(fromFile.status == 0, "\(fromFile.stderr)")
    let wrong = try await podhop(["jobs", "list"], port: port, token: "wrong-token-0123456789")
    #expect(wrong.status == 1 && wrong.stderr.hasPrefix("podhop: 401 "), "\(wrong.stderr)")
    await stop(server)
  }

  @Test("an unreachable server is a clear error naming the address, exit 1")
  func unreachable() async throws {
    let result = try await podhop(["jobs", "list", "--server", "http://127.0.0.1:1"], port: 9)
    #expect(result.status == 1)
    #expect(result.stderr.contains("cannot reach the podhop server at http://127.0.0.1:1"), "\(result.stderr)")
  }

  @Test("usage mistakes exit 2; --help exits 0 for every subcommand")
  func usage() async throws {
    for arguments in [
      ["migrate", "counter", "--to", "b"], ["migrate", "default/counter", "--to="], ["evacuate"], ["jobs", "show", "nope"],
      ["jobs", "list", "--frob"], ["jobs", "frob"], ["archive"], ["preflight", "default/x", "--to", "b", "-o", "yaml"],
    ] {
      let result = try await podhop(arguments, port: 9)
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
    }
    for command in [["migrate"], ["preflight"], ["jobs"], ["jobs", "list"], ["archive", "inspect"], ["evacuate"], ["audit"]] {
      let result = try await podhop(command + ["--help"], port: 9)
      #expect(result.status == 0 && result.text.hasPrefix("Usage: podhop "), "\(command)")
    }
  }

  @Test("migrate --wait on a job that fails prints its progress and the error, exit 1")
  func waitForFailure() async throws {
    let (server, port) = try await start()
    let result = try await podhop(["migrate", "default/counter", "--to", "node-b", "--wait", "--timeout", "30"], port: port)
    #expect(result.status == 1)
    let lines = result.text.split(separator: "\n").map(String.init)
    #expect(UUID(uuidString: lines.first ?? "") != nil, "\(lines)")
    #expect(lines.last?.contains("preflight") == true && lines.last?.hasSuffix("failed") == true, "\(lines)")
    #expect(result.stderr.hasPrefix("podhop: failed at preflight: "), "\(result.stderr)")
    #expect(result.stderr.contains("not configured"), "\(result.stderr)")
    await stop(server)
  }

  @Test("jobs events --follow ends when the job ends: exit 1 with its error; -o json prints one event per line")
  func followFailingJob() async throws {
    let (server, port) = try await start()
    let created = try await podhop(["migrate", "default/counter", "--to", "node-b"], port: port)
    let id = created.text.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(UUID(uuidString: id) != nil, "\(created.stderr)")

    let followed = try await podhop(["jobs", "events", id, "--follow"], port: port)
    #expect(followed.status == 1, "\(followed.text) \(followed.stderr)")
    let lines = followed.text.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("TIME") == true, "\(lines)")
    #expect(lines.dropFirst().first?.contains("job.created") == true, "\(lines)")
    #expect(lines.last?.contains("job.failed") == true, "\(lines)")
    #expect(followed.stderr.hasPrefix("podhop: failed at preflight: "), "\(followed.stderr)")

    let json = try await podhop(["jobs", "events", id, "--follow", "-o", "json"], port: port)
    let objects = try json.text.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
    #expect(objects.compactMap { $0["seq"] as? Int } == Array(1...objects.count))
    #expect(objects.last?["type"] as? String == "job.failed")

    let unknown = try await podhop(["jobs", "events", "00000000-0000-4000-8000-000000000000", "--follow"], port: port)
    #expect(unknown.status == 1 && unknown.stderr.contains("404"), "\(unknown.stderr)")
    await stop(server)
  }

  @Test("jobs list prints a table and -o json the server's page; show and events read one job")
  func listShowEvents() async throws {
    let (server, port) = try await start()
    let created = try await podhop(["migrate", "default/counter", "--to", "node-b", "--label", "team=a"], port: port)
    #expect(created.status == 0, "\(created.stderr)")
    let id = created.text.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(UUID(uuidString: id) != nil)

    let table = try await podhop(["jobs", "list", "--label", "team=a"], port: port)
    let rows = table.text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
    #expect(rows.first == ["ID", "STATE", "STAGE", "POD", "TARGET", "AGE"])
    #expect(rows.count == 2 && rows[1].first.map(String.init) == id, "\(table.text)")
    #expect(rows.last?[3] == "default/counter" && rows.last?[4] == "node-b", "\(table.text)")
    let empty = try await podhop(["jobs", "list", "--label", "team=b"], port: port)
    #expect(empty.text.split(separator: "\n").count == 1)

    let json = try await podhop(["jobs", "list", "-o", "json", "--limit", "5"], port: port)
    let page = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
    #expect((page["items"] as? [[String: Any]])?.first?["id"] as? String == id)

    let show = try await podhop(["jobs", "show", id], port: port)
    #expect(show.status == 0 && show.text.contains("Pod:") && show.text.contains("default/counter"), "\(show.text)")
    #expect(show.text.contains("Labels:") && show.text.contains("team=a"), "\(show.text)")

    // The job fails at pre-flight; wait for its history to be complete (bounded).
    var history: CommandResult?
    _ = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
      history = try await podhop(["jobs", "events", id], port: port)
      return history?.text.contains("job.failed") == true
    }
    let events = try #require(history)
    let lines = events.text.split(separator: "\n")
    #expect(lines.first?.hasPrefix("TIME") == true)
    #expect(lines.dropFirst().first?.contains("job.created") == true, "\(events.text)")
    #expect(events.text.contains("stage.started") && events.text.contains("preflight  attempt 1"), "\(events.text)")
    await stop(server)
  }

  @Test("cancel and retry: 0 when the server accepts, 1 with the conflict when it refuses")
  func cancelAndRetry() async throws {
    let (server, port) = try await start()
    let created = try await podhop(["migrate", "default/counter", "--to", "node-b", "--wait", "--timeout", "30"], port: port)
    let id = String(created.text.split(separator: "\n").first ?? "")
    #expect(created.status == 1 && UUID(uuidString: id) != nil)

    let cancelFailed = try await podhop(["jobs", "cancel", id], port: port)
    #expect(cancelFailed.status == 1)
    #expect(cancelFailed.stderr.hasPrefix("podhop: 409 "), "\(cancelFailed.stderr)")

    let retry = try await podhop(["jobs", "retry", id], port: port)
    #expect(retry.status == 0, "\(retry.stderr)")
    #expect(retry.text.hasPrefix("queued again: \(id)"))

    let unknown = try await podhop(["jobs", "retry", UUID().uuidString], port: port)
    #expect(unknown.status == 1 && unknown.stderr.hasPrefix("podhop: 404 "), "\(unknown.stderr)")
    await stop(server)
  }
}
