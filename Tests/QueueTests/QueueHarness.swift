import Core
import Foundation
import Queue
import Storage
import TestSupport

/// A store, a pool with fast test timings and the pool's running task, per test.
struct QueueHarness {
  let directory: TemporaryDirectory
  let store: JobStore
  let pool: WorkerPool
  let metrics = MetricsRegistry()

  init(executors: [Stage: any StageExecutor], maxAttempts: Int = 3, width: Int = 2) throws {
    directory = try TemporaryDirectory()
    store = try JobStore(path: directory.file("podhop.db"))
    var configuration = WorkerPool.Configuration()
    configuration.width = width
    configuration.leaseDuration = .seconds(60)  // expiry is tested in the store with a manual clock
    configuration.heartbeatInterval = .milliseconds(50)
    configuration.pollInterval = .milliseconds(20)
    configuration.rescueInterval = .seconds(1)
    configuration.nodeLimit = nil
    configuration.retry = RetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(10), maxDelay: .milliseconds(20))
    pool = WorkerPool(
      store: store, executors: executors, configuration: configuration, logger: Logger(minimum: .error) { _ in }, metrics: metrics
    )
  }

  /// Executors for every stage: `special` where given, succeeding no-ops elsewhere.
  static func executors(_ special: [Stage: any StageExecutor] = [:]) -> [Stage: any StageExecutor] {
    var all: [Stage: any StageExecutor] = [:]
    for stage in Stage.allCases { all[stage] = special[stage] ?? ScriptedExecutor() }
    return all
  }

  func create(_ pod: String = "counter") async throws -> MigrationJob {
    guard
      case .created(let job) = try await store.create(
        Fixtures.request(pod: pod), requestedBy: "test", trigger: .api, render: { _ in [] })
    else { throw CancellationError() }
    pool.notifyWork()
    return job
  }

  /// Waits (bounded) until the job satisfies `condition`; returns the last state seen.
  func waitFor(_ id: MigrationID, timeout: Duration = .seconds(60), _ condition: @escaping (MigrationJob) -> Bool) async throws
    -> MigrationJob
  {
    var last: MigrationJob?
    _ = try await eventually(timeout: timeout) {
      last = try await store.job(id)
      return last.map(condition) ?? false
    }
    return try last ?? { throw CancellationError() }()
  }

  func eventTypes(_ id: MigrationID) async throws -> [EventType] {
    try await store.events(id)?.map(\.type) ?? []
  }
}
