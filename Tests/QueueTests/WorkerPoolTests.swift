import Core
import Foundation
import Queue
import Storage
import TestSupport
import Testing

@Suite("Worker pool")
struct WorkerPoolTests {
  @Test("a job runs through all six stages and succeeds, persisting each stage's output")
  func happyPath() async throws {
    let archive = CheckpointArchive(archive: "/var/lib/kubelet/checkpoints/a.tar", sizeBytes: 7)
    let harness = try QueueHarness(
      executors: QueueHarness.executors([.checkpoint: ScriptedExecutor([.succeed(StageOutput(checkpoint: archive))])]))
    let running = Task { await harness.pool.run() }
    defer { running.cancel() }
    let job = try await harness.create()
    let done = try await harness.waitFor(job.id) { $0.state == .succeeded }
    #expect(done.state == .succeeded && done.checkpoint == archive)
    #expect(
      done.stages.allSatisfy { $0.state == .succeeded && $0.attempts == 1 },
      "\(done.stages.map { "\($0.name):\($0.state):\($0.attempts)" })")
    #expect(try await harness.eventTypes(job.id).filter { $0 == .stageSucceeded }.count == 6)
  }

  @Test("retryable failures are retried with backoff until the stage succeeds")
  func retries() async throws {
    let flaky = ScriptedExecutor([.fail(.retryable("kubelet 503")), .fail(.retryable("kubelet 503"))])
    let harness = try QueueHarness(executors: QueueHarness.executors([.checkpoint: flaky]))
    let running = Task { await harness.pool.run() }
    defer { running.cancel() }
    let job = try await harness.create()
    let done = try await harness.waitFor(job.id) { $0.state == .succeeded }
    #expect(done.stages[1].attempts == 3 && flaky.callCount == 3)
    let types = try await harness.eventTypes(job.id)
    #expect(types.filter { $0 == .retryScheduled }.count == 2 && types.filter { $0 == .attemptFailed }.count == 2)
  }

  @Test("a terminal error fails the job at once with its reason")
  func terminal() async throws {
    let forbidden = ScriptedExecutor([.fail(.terminal("403 from the kubelet: grant nodes/checkpoint"))])
    let harness = try QueueHarness(executors: QueueHarness.executors([.checkpoint: forbidden]))
    let running = Task { await harness.pool.run() }
    defer { running.cancel() }
    let job = try await harness.create()
    let failed = try await harness.waitFor(job.id) { $0.state == .failed }
    #expect(
      failed.error == JobError(stage: .checkpoint, message: "403 from the kubelet: grant nodes/checkpoint", retryable: false))
    #expect(forbidden.callCount == 1 && failed.stages[2].state == .pending)
  }

  @Test("retries stop at the attempt limit and say so")
  func exhausted() async throws {
    let harness = try QueueHarness(
      executors: QueueHarness.executors([.push: ScriptedExecutor(otherwise: .fail(.retryable("registry 500")))]), maxAttempts: 3)
    let running = Task { await harness.pool.run() }
    defer { running.cancel() }
    let job = try await harness.create()
    let failed = try await harness.waitFor(job.id) { $0.state == .failed }
    #expect(failed.error?.message == "registry 500 (gave up after 3 attempts)" && failed.error?.retryable == true)
    #expect(failed.stages[3].attempts == 3)
  }

  @Test("a stage this build does not implement fails the job naming the stage")
  func missingExecutor() async throws {
    var executors = QueueHarness.executors()
    executors[.build] = nil
    let harness = try QueueHarness(executors: executors)
    let running = Task { await harness.pool.run() }
    defer { running.cancel() }
    let job = try await harness.create()
    let failed = try await harness.waitFor(job.id) { $0.state == .failed }
    #expect(failed.error?.stage == .build && failed.error?.message.contains("build stage") == true)
  }

  @Test("cancel stops a running stage cooperatively, in process or through the database")
  func cancelRunning() async throws {
    let harness = try QueueHarness(executors: QueueHarness.executors([.checkpoint: ScriptedExecutor(otherwise: .block)]))
    let running = Task { await harness.pool.run() }
    defer { running.cancel() }
    for inProcess in [true, false] {
      let job = try await harness.create(inProcess ? "fast" : "slow")
      _ = try await harness.waitFor(job.id) { $0.stage == .checkpoint && $0.state == .running }
      _ = try await harness.store.cancel(job.id, requestedBy: "op")
      if inProcess { harness.pool.requestCancel(job.id) }  // otherwise the heartbeat finds the flag
      let canceled = try await harness.waitFor(job.id) { $0.state == .canceled }
      #expect(canceled.state == .canceled && canceled.stages[1].state == .canceled)
    }
  }

  @Test("shutdown hands a running job back without spending its attempt")
  func shutdownHandsBack() async throws {
    let harness = try QueueHarness(executors: QueueHarness.executors([.checkpoint: ScriptedExecutor(otherwise: .block)]))
    let running = Task { await harness.pool.run() }
    let job = try await harness.create()
    _ = try await harness.waitFor(job.id) { $0.stage == .checkpoint && $0.state == .running }
    harness.pool.stopLeasing()
    running.cancel()
    await running.value
    let back = try #require(try await harness.store.job(job.id))
    #expect(back.state == .queued && back.stage == .checkpoint && back.attempt == 0 && back.stages[1].attempts == 0)
    #expect(try await harness.eventTypes(job.id).last == .leaseReturned)
  }

  @Test("during shutdown a running stage may finish, and the job stops at the next stage boundary")
  func shutdownLetsStageFinish() async throws {
    let slow = ScriptedExecutor([.work(.milliseconds(300))])
    let harness = try QueueHarness(executors: QueueHarness.executors([.checkpoint: slow]))
    let running = Task { await harness.pool.run() }
    let job = try await harness.create()
    // Wait for the executor itself: the database shows the stage running a moment before it starts.
    #expect(await eventually(timeout: .seconds(60)) { slow.callCount == 1 })
    harness.pool.stopLeasing()
    #expect(await eventually(timeout: .seconds(60)) { harness.pool.isIdle })
    running.cancel()
    await running.value
    let back = try #require(try await harness.store.job(job.id))
    let events = try await harness.eventTypes(job.id)
    #expect(
      back.state == .queued && back.stage == .build && back.stages[1].state == .succeeded && back.stages[2].attempts == 0,
      "\(back.state) \(back.stage) \(back.stages.map { "\($0.name):\($0.state):\($0.attempts)" }) \(events)")
  }
}
