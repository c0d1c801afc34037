// Measures the queue's own cost: N jobs through all six stages with no-op stages, so the time
// is leasing, heartbeating and recording only. Usage: queue-bench [JOBS] [WORKERS]
import Core
import Foundation
import Queue
import Storage

/// A stage that does nothing, so only the queue's overhead is measured.
struct NoOpStage: StageExecutor {
  func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput { .none }
}

let arguments = CommandLine.arguments
let jobs = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let workers = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4
let directory = NSTemporaryDirectory() + "queue-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

// As `podhop serve` without notification subscriptions: no outbox rows.
let store = try JobStore(path: directory + "/bench.db", notifying: [])
for i in 0..<jobs {
  _ = try await store.create(
    NewMigration(source: PodReference(namespace: "bench", pod: "pod-\(i)"), targetNode: "node-\(i % 50)"),
    requestedBy: "bench", trigger: .api, render: { _ in [] })
}
var configuration = WorkerPool.Configuration()
configuration.width = workers
configuration.nodeLimit = nil
configuration.pollInterval = .milliseconds(5)
let executors = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0, NoOpStage() as any StageExecutor) })
let pool = WorkerPool(
  store: store, executors: executors, configuration: configuration, logger: Logger(minimum: .error), metrics: MetricsRegistry())
let started = ContinuousClock.now
let running = Task { await pool.run() }
// Polled rarely: the count scans every job, and polling often would measure the poll.
while (try await store.stats().jobsByState[.succeeded] ?? 0) < jobs {
  try await Task.sleep(for: .milliseconds(200))
}
let elapsed = (ContinuousClock.now - started) / .seconds(1)
running.cancel()
await running.value
let stages = Double(jobs * Stage.allCases.count)
print(
  String(
    format:
      "queue: %d jobs x 6 no-op stages, %d workers: %.2f s, %.0f jobs/s, %.0f stages/s, %.3f ms queue time per stage per worker",
    jobs, workers, elapsed, Double(jobs) / elapsed, stages / elapsed, elapsed * 1000 * Double(workers) / stages))
