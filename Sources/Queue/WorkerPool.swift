import Core
import Foundation
import Storage
import Synchronization

/// Runs queued migrations through their stages: `width` workers lease jobs atomically, run one
/// stage at a time with a heartbeat that extends the lease, persist each stage's output before
/// the next starts, and retry failures with backoff. A rescuer returns leases of dead workers.
///
/// Shutdown has two phases: `stopLeasing()` lets running stages finish (each job is then handed
/// back at its next stage boundary); cancelling the `run()` task interrupts the stages still
/// running, and their jobs go back to the queue without spending the attempt.
public final class WorkerPool: Sendable {
  /// Settings of the pool; validated by the app's configuration.
  public struct Configuration: Sendable {
    public var width: Int = 4
    public var leaseDuration: Duration = .seconds(30)
    public var heartbeatInterval: Duration = .seconds(10)
    public var pollInterval: Duration = .seconds(1)
    public var rescueInterval: Duration = .seconds(15)
    /// The shortest time between two writes of one job's stage progress.
    public var progressInterval: Duration = .seconds(1)
    /// Running jobs allowed per node (source or target); nil for no limit.
    public var nodeLimit: Int? = 2
    public var retry = RetryPolicy()
    /// Why stages have no executors (not configured), for the error of jobs that reach one.
    public var stagesUnavailableReason: String?
    public init() {}
  }

  let store: JobStore
  let executors: [Stage: any StageExecutor]
  let configuration: Configuration
  let logger: Logger
  let metrics: MetricsRegistry
  let clock: any Clock<Duration>
  let random: @Sendable () -> Double
  let ownerPrefix: String

  let workAvailable = Signal()
  let stopping = Atomic<Bool>(false)
  /// Jobs running in this process, with the signal that wakes their heartbeat and whether a
  /// user's cancel arrived for them.
  let running = Mutex<[MigrationID: RunningJob]>([:])

  struct RunningJob {
    let wake: Signal
    var cancelRequested = false
  }

  public init(
    store: JobStore, executors: [Stage: any StageExecutor], configuration: Configuration, logger: Logger,
    metrics: MetricsRegistry, clock: any Clock<Duration> = ContinuousClock(),
    random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
  ) {
    self.store = store
    self.executors = executors
    self.configuration = configuration
    self.logger = logger
    self.metrics = metrics
    self.clock = clock
    self.random = random
    ownerPrefix = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    metrics.describe("podhop_stage_duration_seconds", type: "histogram", help: "Duration of stage attempts by stage and result.")
    metrics.describe("podhop_stage_attempts_total", type: "counter", help: "Stage attempts by stage and result.")
  }

  /// Runs the workers and the rescuer until the task is cancelled (after `stopLeasing`, or alone
  /// for an immediate stop).
  public func run() async {
    await withTaskGroup(of: Void.self) { group in
      for index in 0..<configuration.width {
        group.addTask { await self.workerLoop(owner: "\(self.ownerPrefix)/\(index)") }
      }
      group.addTask { await self.rescuerLoop() }
      await group.waitForAll()
    }
  }

  /// Wakes idle workers: a job was created or re-queued.
  public func notifyWork() { workAvailable.fire() }

  /// Stops leasing new jobs; running stages go on until the `run()` task is cancelled.
  public func stopLeasing() {
    stopping.store(true, ordering: .sequentiallyConsistent)
    workAvailable.fire()
  }

  /// Whether any stage is running in this process.
  public var isIdle: Bool { running.withLock { $0.isEmpty } }

  /// Asks the stage running `id` in this process, if any, to stop now (the store already holds
  /// the request, so a heartbeat would see it too, only later).
  public func requestCancel(_ id: MigrationID) {
    let wake = running.withLock { jobs -> Signal? in
      jobs[id]?.cancelRequested = true
      return jobs[id]?.wake
    }
    wake?.fire()
  }

  var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

  private func workerLoop(owner: String) async {
    while !isStopping && !Task.isCancelled {
      do {
        if let job = try await store.lease(
          owner: owner, duration: configuration.leaseDuration, nodeLimit: configuration.nodeLimit)
        {
          await JobRun(pool: self, owner: owner, job: job).run()
          continue
        }
      } catch  where !Task.isCancelled {
        logger.error("lease failed", ["error": String(describing: error)])
      } catch {
        return  // interrupted by shutdown
      }
      await workAvailable.wait(upTo: configuration.pollInterval, clock: clock)
    }
  }

  private func rescuerLoop() async {
    while !isStopping && !Task.isCancelled {
      do {
        let rescued = try await store.rescueExpiredLeases(maxAttempts: configuration.retry.maxAttempts)
        for id in rescued { logger.warning("lease expired; job returned to the queue", ["migration.id": id.rawValue]) }
        if !rescued.isEmpty { workAvailable.fire() }
      } catch {
        logger.error("lease rescue failed", ["error": String(describing: error)])
      }
      try? await clock.sleep(for: configuration.rescueInterval)
    }
  }
}
