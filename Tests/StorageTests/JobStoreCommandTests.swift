import Core
import Foundation
import Storage
import TestSupport
import Testing

@Suite("Job store: cancel, retry and listing")
struct JobStoreCommandTests {
  let directory: TemporaryDirectory
  let time = ManualTimeSource()
  let store: JobStore

  init() throws {
    directory = try TemporaryDirectory()
    store = try JobStore(path: directory.file("podhop.db"), time: time)
  }

  func create(_ pod: String, labels: [String: String] = [:]) async throws -> MigrationJob {
    guard
      case .created(let job) = try await store.create(
        Fixtures.request(pod: pod, labels: labels), requestedBy: "t", trigger: .api, render: { _ in [] })
    else { throw CancellationError() }
    return job
  }

  @Test("cancel: queued at once, running on request, canceled again is a no-op, finished is refused")
  func cancel() async throws {
    let queued = try await create("a")
    guard case .canceled(let canceled) = try await store.cancel(queued.id, requestedBy: "op") else {
      Issue.record("queued"); return
    }
    #expect(canceled.state == .canceled)
    guard case .alreadyCanceled = try await store.cancel(queued.id, requestedBy: "op") else { Issue.record("again"); return }
    let running = try await create("b")
    _ = try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil)
    guard case .cancelRequested(let requested) = try await store.cancel(running.id, requestedBy: "op") else {
      Issue.record("running"); return
    }
    #expect(requested.state == .running)
    #expect(try await store.heartbeat(running.id, owner: "w", duration: .seconds(30)) == .held(cancelRequested: true))
    #expect(try await store.markCanceled(running.id, owner: "w")?.state == .canceled)
    guard case .notFound = try await store.cancel(MigrationID(), requestedBy: "op") else { Issue.record("unknown"); return }
  }

  @Test("retry resumes a failed job at the failed stage without redoing finished stages")
  func retry() async throws {
    let job = try await create("a")
    _ = try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil)
    _ = try await store.completeStage(job.id, owner: "w", output: .none, leaseDuration: .seconds(30))
    _ = try await store.recordFailure(job.id, owner: "w", message: "boom", retryable: false, retryAt: nil)
    guard case .queued(let queued) = try await store.retry(job.id, requestedBy: "op") else { Issue.record("retry"); return }
    #expect(queued.state == .queued && queued.stage == .checkpoint && queued.attempt == 0 && queued.error == nil)
    #expect(queued.stages[0].state == .succeeded && queued.stages[1].state == .pending && queued.stages[1].attempts == 1)
    let leased = try #require(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil))
    #expect(leased.stage == .checkpoint && leased.attempt == 1 && leased.stages[1].attempts == 2)
    guard case .notFailed = try await store.retry(job.id, requestedBy: "op") else { Issue.record("running job"); return }
  }

  @Test("pages stay stable and complete while new jobs are inserted")
  func stablePaging() async throws {
    var created: [MigrationID] = []
    for i in 0..<25 {
      created.append(try await create("p\(i)").id)
      time.advance(by: 0.001)
    }
    var seen: [MigrationID] = []
    var cursor: JobCursor?
    for page in 0..<10 {
      let result = try await store.list(JobFilter(), limit: 10, after: cursor)
      seen += result.items.map(\.id)
      _ = try await create("late-\(page)")  // newer than everything paged so far
      time.advance(by: 0.001)
      guard let next = result.next else { break }
      cursor = next
    }
    #expect(seen == created.reversed())
  }

  @Test("filters combine with AND")
  func filters() async throws {
    let a = try await create("a", labels: ["team": "x"])
    _ = try await create("b", labels: ["team": "y"])
    var filter = JobFilter()
    filter.labels = [("team", "x")]
    #expect(try await store.list(filter, limit: 10, after: nil).items.map(\.id) == [a.id])
    filter.states = [.running]
    #expect(try await store.list(filter, limit: 10, after: nil).items.isEmpty)
    filter = JobFilter()
    filter.node = "node-b"
    filter.pod = "b"
    #expect(try await store.list(filter, limit: 10, after: nil).items.count == 1)
    #expect(JobCursor(token: "garbage!") == nil)
  }
}
