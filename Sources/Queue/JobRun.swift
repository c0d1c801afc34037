import Core
import Foundation
import Storage

/// One worker's run of one leased job, stage after stage, until it finishes, fails, waits for a
/// retry, is canceled, or is handed back at shutdown.
struct JobRun {
  let pool: WorkerPool
  let owner: String
  var job: MigrationJob

  /// How a stage attempt ended.
  enum Outcome {
    case succeeded(StageOutput)
    case failed(StageError)
    case canceledByUser
    case interruptedByShutdown
    case leaseLost
  }

  init(pool: WorkerPool, owner: String, job: MigrationJob) {
    self.pool = pool
    self.owner = owner
    self.job = job
  }

  func run() async {
    let wake = Signal()
    pool.running.withLock { $0[job.id] = WorkerPool.RunningJob(wake: wake) }
    defer { pool.running.withLock { _ = $0.removeValue(forKey: job.id) } }
    var current = job
    // Read once per lease; later stages get earlier outputs merged in memory, as the store does.
    var artifacts: StageArtifacts
    do { artifacts = try await pool.store.artifacts(job.id) } catch {
      pool.logger.error(
        "could not read the job's artifacts; the lease will expire and the job be rescued",
        meta(job, ["error": String(describing: error)]))
      return
    }
    while current.state == .running {
      let started = ContinuousClock.now
      let outcome = await attempt(current, artifacts: artifacts, wake: wake)
      if case .succeeded(let output) = outcome { artifacts = artifacts.merging(output.artifacts) }
      let seconds = (ContinuousClock.now - started) / .seconds(1)
      let result: String
      switch outcome {
      case .succeeded: result = "succeeded"
      case .failed(let error): result = error.isRetryable ? "retryable_error" : "terminal_error"
      case .canceledByUser: result = "canceled"
      case .interruptedByShutdown: result = "interrupted"
      case .leaseLost: result = "lease_lost"
      }
      let labels = [("stage", current.stage.rawValue), ("result", result)]
      pool.metrics.observe("podhop_stage_duration_seconds", labels: labels, value: seconds, buckets: MetricsRegistry.stageBuckets)
      pool.metrics.increment("podhop_stage_attempts_total", labels: labels)
      guard let next = await record(outcome, for: current) else { return }
      if pool.isStopping && next.state == .running {
        // Shutting down: do not start another stage; the next process continues from here.
        await persist { try await pool.store.handBack(next.id, owner: owner) }
        return
      }
      current = next
    }
  }

  /// Runs the stage with a heartbeat and a progress writer beside it; the stage or the heartbeat,
  /// whichever decides first, ends the attempt.
  private func attempt(_ job: MigrationJob, artifacts: StageArtifacts, wake: Signal) async -> Outcome {
    guard let executor = pool.executors[job.stage] else {
      let reason = pool.configuration.stagesUnavailableReason.map { "this podhop is not configured to run stages: \($0)" }
      return .failed(.terminal(reason ?? "this podhop has no implementation of the \(job.stage.rawValue) stage"))
    }
    pool.logger.info("stage attempt started", meta(job))
    let progress = ProgressRecorder()
    return await withTaskGroup(of: Outcome?.self) { group in
      group.addTask {
        do {
          return .succeeded(try await executor.execute(job, artifacts: artifacts, progress: progress.reporter))
        } catch let error as StageError {
          return .failed(error)
        } catch is CancellationError {
          if userCanceled(job) { return .canceledByUser }
          if Task.isCancelled || pool.isStopping { return .interruptedByShutdown }
          return .failed(.retryable("the stage stopped with a cancellation nobody asked for"))
        } catch {
          return .failed(.retryable(String(describing: error)))
        }
      }
      group.addTask { await heartbeat(job, wake: wake) }
      group.addTask {
        await progress.flush(
          job, owner: owner, store: pool.store, interval: pool.configuration.progressInterval, clock: pool.clock,
          logger: pool.logger)
        return nil
      }
      // The stage child always answers; the heartbeat answers only to end the attempt early,
      // and the progress writer never does.
      var outcome: Outcome?
      while outcome == nil, let next = await group.next() { outcome = next }
      group.cancelAll()
      return outcome ?? .interruptedByShutdown
    }
  }

  /// Extends the lease until the stage ends; returns early when the lease is lost or a cancel
  /// arrives, and nil when the surrounding task is cancelled.
  private func heartbeat(_ job: MigrationJob, wake: Signal) async -> Outcome? {
    while !Task.isCancelled {
      await wake.wait(upTo: pool.configuration.heartbeatInterval, clock: pool.clock)
      if Task.isCancelled { return nil }
      if userCanceled(job) { return .canceledByUser }
      do {
        switch try await pool.store.heartbeat(job.id, owner: owner, duration: pool.configuration.leaseDuration) {
        case .lost: return .leaseLost
        case .held(let cancelRequested) where cancelRequested: return .canceledByUser
        case .held: continue
        }
      } catch {
        pool.logger.error("heartbeat failed", meta(job, ["error": String(describing: error)]))
      }
    }
    return nil
  }

  private func userCanceled(_ job: MigrationJob) -> Bool {
    pool.running.withLock { $0[job.id]?.cancelRequested ?? false }
  }

  /// Persists the outcome; returns the job to continue with, or nil when this run is over.
  private func record(_ outcome: Outcome, for job: MigrationJob) async -> MigrationJob? {
    let store = pool.store
    switch outcome {
    case .succeeded(let output):
      pool.logger.info("stage succeeded", meta(job))
      return await persist {
        try await store.completeStage(job.id, owner: owner, output: output, leaseDuration: pool.configuration.leaseDuration)
      } ?? nil
    case .failed(let error):
      let policy = pool.configuration.retry
      var retryAt: Date?
      if case .retry(let after) = error.disposition, policy.allowsRetry(after: job.attempt) {
        let delay = after ?? policy.delay(afterAttempt: job.attempt, random: pool.random())
        retryAt = Date().addingTimeInterval(delay / .seconds(1))
      }
      var message = error.message
      if error.isRetryable && retryAt == nil { message += " (gave up after \(job.attempt) attempts)" }
      pool.logger.warning(
        retryAt == nil ? "stage failed" : "stage attempt failed; retry scheduled", meta(job, ["error": error.message]))
      _ = await persist { [message, retryAt] in
        try await store.recordFailure(
          job.id, owner: owner, message: message, retryable: error.isRetryable, retryAt: retryAt, output: error.output)
      }
      return nil
    case .canceledByUser:
      pool.logger.info("migration canceled", meta(job))
      _ = await persist { try await store.markCanceled(job.id, owner: owner) }
      return nil
    case .interruptedByShutdown:
      pool.logger.info("stage interrupted by shutdown; job handed back", meta(job))
      await persist { try await store.handBack(job.id, owner: owner) }
      return nil
    case .leaseLost:
      pool.logger.warning("lease lost; another worker owns the job now", meta(job))
      return nil
    }
  }

  /// Runs a store write even when this task is being cancelled: the database would otherwise
  /// interrupt the very write that records the interruption. The detached task is awaited here.
  private func persist<T: Sendable>(_ write: @escaping @Sendable () async throws -> T) async -> T? {
    let logger = pool.logger
    return await Task.detached {
      do { return try await write() } catch {
        logger.error(
          "could not record stage outcome; the lease will expire and the job be rescued", ["error": String(describing: error)])
        return nil
      }
    }.value
  }

  private func meta(_ job: MigrationJob, _ extra: [String: String] = [:]) -> [String: String] {
    var metadata = ["migration.id": job.id.rawValue, "stage": job.stage.rawValue, "attempt": String(job.attempt)]
    metadata.merge(extra) { $1 }
    return metadata
  }
}
