import Core
import Foundation
import SQLite
import Storage
import TestSupport
import Testing

@Suite("Job store: creating and reading jobs")
struct JobStoreCreateTests {
  let directory: TemporaryDirectory
  let time = ManualTimeSource()
  let store: JobStore

  init() throws {
    directory = try TemporaryDirectory()
    store = try JobStore(path: directory.file("podhop.db"), time: time)
  }

  static func render(_ job: MigrationJob) throws -> [UInt8] { Array(job.id.rawValue.utf8) }

  @Test("a created job is queued at preflight with six pending stages and a creation event")
  func createdJob() async throws {
    guard
      case .created(let job) = try await store.create(
        Fixtures.request(labels: ["team": "a"]), requestedBy: "alice", trigger: .api, render: Self.render)
    else { Issue.record("not created"); return }
    #expect(job.state == .queued && job.stage == .preflight && job.attempt == 0)
    #expect(job.stages.map(\.name) == Stage.allCases && job.stages.allSatisfy { $0.state == .pending })
    #expect(job.labels == ["team": "a"] && job.requestedBy == "alice" && job.createdAt == time.now())
    let reread = try await store.job(job.id)
    #expect(reread == job)
    let events = try #require(try await store.events(job.id))
    #expect(events.map(\.type) == [.created] && events[0].seq == 1)
  }

  @Test("a second active job for the same pod is refused naming the first")
  func oneActiveJobPerPod() async throws {
    guard
      case .created(let first) = try await store.create(Fixtures.request(), requestedBy: "a", trigger: .api, render: Self.render)
    else {
      Issue.record("not created"); return
    }
    let second = try await store.create(Fixtures.request(target: "node-c"), requestedBy: "a", trigger: .api, render: Self.render)
    guard case .podBusy(let active) = second else { Issue.record("expected podBusy, got \(second)"); return }
    #expect(active == first.id)
    let otherNamespace = try await store.create(
      Fixtures.request(namespace: "other"), requestedBy: "a", trigger: .api, render: Self.render)
    guard case .created = otherNamespace else { Issue.record("a pod in another namespace is another pod"); return }
  }

  @Test("an idempotency key replays the stored response and refuses another body")
  func idempotency() async throws {
    let key = JobStore.IdempotencyKey(principal: "alice", key: "k1", requestHash: "h1", lifetime: .seconds(60))
    guard
      case .created(let job) = try await store.create(
        Fixtures.request(), requestedBy: "alice", trigger: .api, idempotency: key, render: Self.render)
    else {
      Issue.record("not created"); return
    }
    let replay = try await store.create(
      Fixtures.request(), requestedBy: "alice", trigger: .api, idempotency: key, render: Self.render)
    guard case .replayed(let body, let id) = replay else { Issue.record("expected replay, got \(replay)"); return }
    #expect(id == job.id && body == Array(job.id.rawValue.utf8))
    var other = key
    other.requestHash = "h2"
    guard
      case .idempotencyMismatch = try await store.create(
        Fixtures.request(pod: "x"), requestedBy: "alice", trigger: .api, idempotency: other, render: Self.render)
    else {
      Issue.record("expected mismatch"); return
    }
    var otherCaller = key
    otherCaller.principal = "bob"
    guard
      case .created = try await store.create(
        Fixtures.request(pod: "y"), requestedBy: "bob", trigger: .api, idempotency: otherCaller, render: Self.render)
    else {
      Issue.record("keys are per caller"); return
    }
    time.advance(by: 61)
    guard
      case .created = try await store.create(
        Fixtures.request(pod: "z"), requestedBy: "alice", trigger: .api, idempotency: other, render: Self.render)
    else {
      Issue.record("an expired key is forgotten"); return
    }
  }

  @Test("reopening applies no migration again; an edited applied migration stops start-up")
  func schemaGuard() async throws {
    let path = directory.file("guard.db")
    _ = try JobStore(path: path, time: time)
    _ = try JobStore(path: path, time: time)
    let connection = try Connection(path: path)
    let applied = try connection.query("SELECT version FROM schema_migrations").compactMap { $0.int("version") }
    #expect(applied == JobStore.schemaMigrations.map(\.version))
    try connection.run("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    connection.close()
    #expect(throws: SchemaMigrationError.self) { _ = try JobStore(path: path, time: time) }
  }
}
