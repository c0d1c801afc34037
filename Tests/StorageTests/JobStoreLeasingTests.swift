import Core
import Foundation
import Storage
import TestSupport
import Testing

@Suite("Job store: leases, stage results, rescue")
struct JobStoreLeasingTests {
  let directory: TemporaryDirectory
  let time = ManualTimeSource()
  let store: JobStore

  init() throws {
    directory = try TemporaryDirectory()
    store = try JobStore(path: directory.file("podhop.db"), time: time)
  }

  func create(_ pod: String, target: String = "node-b") async throws -> MigrationJob {
    guard
      case .created(let job) = try await store.create(
        Fixtures.request(pod: pod, target: target), requestedBy: "t", trigger: .api, render: { _ in [] })
    else { throw CancellationError() }
    return job
  }

  @Test("concurrent workers never lease the same job twice")
  func noDoubleLease() async throws {
    for i in 0..<120 { _ = try await create("pod-\(i)", target: "node-\(i)") }
    let store = self.store
    let ids = try await withThrowingTaskGroup(of: [MigrationID].self) { group in
      for worker in 0..<6 {
        group.addTask {
          var mine: [MigrationID] = []
          for _ in 0..<200 {
            guard let job = try await store.lease(owner: "w\(worker)", duration: .seconds(30), nodeLimit: nil) else { break }
            mine.append(job.id)
          }
          return mine
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(ids.count == 120)
    #expect(Set(ids).count == 120)
  }

  @Test("a lease starts attempt 1; completing a stage records its output and starts the next")
  func completeStage() async throws {
    let job = try await create("a")
    let leased = try #require(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil))
    #expect(leased.id == job.id && leased.state == .running && leased.attempt == 1 && leased.stages[0].state == .running)
    time.advance(by: 2)
    _ = try #require(try await store.completeStage(job.id, owner: "w", output: .none, leaseDuration: .seconds(30)))
    let output = StageOutput(checkpoint: CheckpointArchive(archive: "/var/lib/kubelet/checkpoints/x.tar", sizeBytes: 42))
    let afterCheckpoint = try #require(
      try await store.completeStage(job.id, owner: "w", output: output, leaseDuration: .seconds(30)))
    #expect(afterCheckpoint.stage == .build && afterCheckpoint.attempt == 1)
    #expect(afterCheckpoint.checkpoint == output.checkpoint)
    #expect(afterCheckpoint.stages[0].state == .succeeded && afterCheckpoint.stages[0].durationSeconds == 2)
    #expect(try await store.completeStage(job.id, owner: "someone-else", output: .none, leaseDuration: .seconds(30)) == nil)
  }

  @Test("the last stage's completion makes the job succeed")
  func succeeds() async throws {
    let job = try await create("a")
    _ = try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil)
    var current: MigrationJob?
    for _ in Stage.allCases {
      current = try await store.completeStage(job.id, owner: "w", output: .none, leaseDuration: .seconds(30))
    }
    #expect(current?.state == .succeeded && current?.finishedAt != nil)
    #expect(current?.stages.allSatisfy { $0.state == .succeeded } == true)
    let types = try #require(try await store.events(job.id)).map(\.type)
    #expect(types.last == .succeeded && types.filter { $0 == .stageSucceeded }.count == 6)
  }

  @Test("an expired lease is rescued back to the queue and leased again")
  func rescue() async throws {
    let job = try await create("a")
    _ = try await store.lease(owner: "dead", duration: .seconds(30), nodeLimit: nil)
    #expect(try await store.rescueExpiredLeases(maxAttempts: 5).isEmpty)
    time.advance(by: 31)
    #expect(try await store.rescueExpiredLeases(maxAttempts: 5) == [job.id])
    #expect(try await store.job(job.id)?.state == .queued)
    #expect(try await store.heartbeat(job.id, owner: "dead", duration: .seconds(30)) == .lost)
    let again = try #require(try await store.lease(owner: "alive", duration: .seconds(30), nodeLimit: nil))
    #expect(again.attempt == 2)
    #expect(try #require(try await store.events(job.id)).contains { $0.type == .leaseExpired })
  }

  @Test("a lease that expires on the last allowed attempt fails the job")
  func rescueExhausted() async throws {
    let job = try await create("a")
    _ = try await store.lease(owner: "dead", duration: .seconds(1), nodeLimit: nil)
    time.advance(by: 2)
    _ = try await store.rescueExpiredLeases(maxAttempts: 1)
    let failed = try #require(try await store.job(job.id))
    #expect(failed.state == .failed && failed.error?.retryable == true && failed.error?.stage == .preflight)
  }

  @Test("handing back at shutdown does not spend the attempt")
  func handBack() async throws {
    let job = try await create("a")
    _ = try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil)
    try await store.handBack(job.id, owner: "w")
    let back = try #require(try await store.job(job.id))
    #expect(back.state == .queued && back.attempt == 0 && back.stages[0].attempts == 0)
    let again = try #require(try await store.lease(owner: "w2", duration: .seconds(30), nodeLimit: nil))
    #expect(again.attempt == 1)
  }

  @Test("the per-node limit keeps a third job for a busy node waiting")
  func nodeLimit() async throws {
    for i in 0..<3 { _ = try await create("p\(i)", target: "node-b") }
    #expect(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: 2) != nil)
    #expect(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: 2) != nil)
    #expect(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: 2) == nil)
    #expect(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil) != nil)
  }

  @Test("a retryable failure waits until its retry time; a terminal one fails the job")
  func failures() async throws {
    let job = try await create("a")
    _ = try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil)
    let waiting = try #require(
      try await store.recordFailure(
        job.id, owner: "w", message: "kubelet said 503", retryable: true, retryAt: time.now().addingTimeInterval(10)))
    #expect(
      waiting.state == .queued && waiting.error == JobError(stage: .preflight, message: "kubelet said 503", retryable: true))
    #expect(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil) == nil)
    time.advance(by: 11)
    let retried = try #require(try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil))
    #expect(retried.attempt == 2 && retried.stages[0].attempts == 2)
    let failed = try #require(
      try await store.recordFailure(job.id, owner: "w", message: "forbidden", retryable: false, retryAt: nil))
    #expect(failed.state == .failed && failed.stages[0].state == .failed && failed.finishedAt != nil)
    let types = try #require(try await store.events(job.id)).map(\.type)
    #expect(
      types == [
        .created, .stageStarted, .attemptStarted, .attemptFailed, .retryScheduled, .attemptStarted, .attemptFailed, .stageFailed,
        .failed,
      ])
  }
}

@Suite("Job store: lease renewal")
struct JobStoreLeaseRenewalTests {
  @Test("completing a stage renews the lease, so a job of many short stages is not rescued mid-run")
  func completingRenews() async throws {
    let directory = try TemporaryDirectory()
    let time = ManualTimeSource()
    let store = try JobStore(path: directory.file("podhop.db"), time: time)
    guard
      case .created(let job) = try await store.create(Fixtures.request(), requestedBy: "t", trigger: .api, render: { _ in [] })
    else { Issue.record("not created"); return }
    _ = try await store.lease(owner: "w", duration: .seconds(10), nodeLimit: nil)
    for _ in 0..<3 {
      time.advance(by: 6)  // each stage short, together longer than the lease
      _ = try #require(try await store.completeStage(job.id, owner: "w", output: .none, leaseDuration: .seconds(10)))
    }
    #expect(try await store.rescueExpiredLeases(maxAttempts: 5).isEmpty)
    #expect(try await store.job(job.id)?.stages.allSatisfy { $0.attempts <= 1 } == true)
    directory.remove()
  }
}
