import Foundation
import TestSupport
import Testing

/// The database's volume filling up, another program locking the file, and a damaged file,
/// under a real `podhop serve`.
@Suite("database faults")
struct DatabaseFaultTests {
  static let token = "db-operator-token-0123456789"

  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
    try "db operator \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
  }

  func start(database: String) throws -> PodhopProcess {
    try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", database, "--rate-limit", "0"],
      directory: directory.path)
  }

  func post(_ port: UInt16, pod: String) async throws -> RawHTTPResponse {
    try await RawHTTPClient.request(
      port: port, "POST", "/v1/migrations",
      headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")],
      body: Array(
        #"{"source":{"namespace":"default","pod":"\#(pod)"},"targetNode":"node-b","labels":{"pad":"\#(String(repeating: "x", count: 200))"}}"#
          .utf8))
  }

  /// `python3 -c PROGRAM ARGUMENTS…`'s standard output.
  func python(_ program: String, _ arguments: String...) async throws -> String {
    let result = try await Command.run("/usr/bin/env", ["python3", "-c", program] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test("a full disk: writes get 503 problem+json, reads go on, nothing is corrupted, and writes resume once space is freed")
  func diskFull() async throws {
    let volume = directory.file("volume")
    try FileManager.default.createDirectory(atPath: volume, withIntermediateDirectories: true)
    let mount = try await Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", volume])
    guard mount.status == 0 else {
      try Test.cancel("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): \(mount.stderr)")
    }
    defer { directory.remove() }
    do {
      let server = try start(database: volume + "/podhop.db")
      let port = try await server.waitForPort()
      var acknowledged = 0
      for i in 0..<5 {
        #expect(try await post(port, pod: "before-\(i)").status == 202)
        acknowledged += 1
      }
      // Fill what is left of the volume (dd stops with "No space left on device").
      _ = try await Command.run("/bin/dd", ["if=/dev/zero", "of=\(volume)/filler", "bs=16k"])
      // The WAL may still have room from earlier writes, so write until a request is refused.
      var refusal: RawHTTPResponse?
      for i in 0..<3000 {
        let response = try await post(port, pod: "full-\(i)")
        if response.status == 202 { acknowledged += 1; continue }
        refusal = response
        break
      }
      let refused = try #require(refusal, "3,000 writes fitted on a full 4 MiB volume")
      #expect(refused.status == 503, "\(refused.status) \(refused.text)")
      #expect(refused.headers["Content-Type"] == "application/problem+json" && refused.headers["Retry-After"] != nil)
      #expect(refused.text.contains("disk full"), "\(refused.text)")
      // Reads are still answered, and the server says it is alive.
      let list = try await RawHTTPClient.request(
        port: port, "GET", "/v1/migrations?limit=1", headers: [("Authorization", "Bearer \(Self.token)")])
      #expect(list.status == 200)
      #expect(try await RawHTTPClient.get(port: port, "/healthz").status == 200)

      try FileManager.default.removeItem(atPath: volume + "/filler")
      var resumed = false
      for i in 0..<50 where !resumed {
        let response = try await post(port, pod: "after-\(i)")
        #expect([202, 503].contains(response.status), "\(response.status) \(response.text)")
        if response.status == 202 { resumed = true; acknowledged += 1 } else { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(resumed, "writes did not resume after space was freed")
      server.signal(SIGTERM)
      #expect(await server.waitForExit() == 0)

      let check = try await python(
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA integrity_check').fetchone()[0]);"
          + " print(c.execute('SELECT count(*) FROM migrations').fetchone()[0])", volume + "/podhop.db")
      let lines = check.split(separator: "\n").map(String.init)
      #expect(lines.first == "ok", "\(check)")
      #expect(lines.last == String(acknowledged), "every acknowledged job is stored, and only those: \(check)")
    } catch {
      _ = try? await Command.run("/bin/umount", ["-l", volume])
      throw error
    }
    _ = try await Command.run("/bin/umount", ["-l", volume])
  }

  @Test("a database another program holds a write lock on: start-up stops with a message naming the file")
  func lockedByAnotherProgram() async throws {
    defer { directory.remove() }
    let first = try start(database: "podhop.db")
    _ = try await first.waitForPort()
    first.signal(SIGTERM)
    #expect(await first.waitForExit() == 0)
    // python holds BEGIN EXCLUSIVE until the file `release` appears (at most 30 s). Awaited
    // below, after the release.
    let release = directory.file("release")
    let holder = Task {
      try await Command.run(
        "/usr/bin/env",
        [
          "python3", "-c",
          "import os,sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE')\n"
            + "for _ in range(600):\n  if os.path.exists(sys.argv[2]): break\n  time.sleep(0.05)",
          directory.file("podhop.db"), release,
        ])
    }
    // Wait (bounded) until the lock is held: a write from here must fail.
    let held = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
      let probe = try await Command.run(
        "/usr/bin/env",
        [
          "python3", "-c",
          "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=0); c.execute('BEGIN IMMEDIATE')",
          directory.file("podhop.db"),
        ])
      return probe.status != 0
    }
    #expect(held)
    let second = try start(database: "podhop.db")
    #expect(await second.waitForExit(timeout: .seconds(20)) == 1)
    let log = second.log.joined(separator: "\n")
    #expect(log.contains("podhop.db is locked by another process"), "\(log)")
    FileManager.default.createFile(atPath: release, contents: nil)
    #expect(try await holder.value.status == 0)
  }

  @Test("a damaged database file: start-up stops with a message naming the file and what to do")
  func damagedFile() async throws {
    defer { directory.remove() }
    let first = try start(database: "podhop.db")
    let port = try await first.waitForPort()
    #expect(try await post(port, pod: "counter").status == 202)
    first.signal(SIGTERM)
    #expect(await first.waitForExit() == 0)
    // Overwrite the header (the first 100 bytes) and the start of the schema page.
    let handle = try #require(FileHandle(forWritingAtPath: directory.file("podhop.db")))
    try handle.write(contentsOf: Data(repeating: 0x5A, count: 4096))
    try handle.close()
    let second = try start(database: "podhop.db")
    #expect(await second.waitForExit(timeout: .seconds(20)) == 1)
    let log = second.log.joined(separator: "\n")
    #expect(log.contains("podhop.db is damaged or is not a podhop database"), "\(log)")
    #expect(log.contains("restore it from a backup"))
  }
}
