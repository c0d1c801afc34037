import Core
import Storage
import Synchronization

/// Collects one stage attempt's progress reports and persists the latest at most once per
/// `interval`: reports are cheap and may come from any thread (a libcurl callback, a remote
/// agent's poll); `flush` runs beside the stage and does the writes.
final class ProgressRecorder: Sendable {
  private struct Latest {
    var bytesDone: Int64 = 0
    var bytesTotal: Int64?
    /// A report arrived since the last write.
    var pending = false
  }

  private let latest = Mutex(Latest())
  private let reported = Signal()

  /// The reporter handed to the stage.
  var reporter: StageProgress {
    StageProgress { [self] done, total in
      latest.withLock { $0 = Latest(bytesDone: done, bytesTotal: total, pending: true) }
      reported.fire()
    }
  }

  /// Writes reported progress until cancelled: waits for a report, writes it, then waits
  /// `interval` before the next write, so bursts of reports become one write per interval.
  func flush(
    _ job: MigrationJob, owner: String, store: JobStore, interval: Duration, clock: any Clock<Duration>, logger: Logger
  ) async {
    while !Task.isCancelled {
      let value = latest.withLock { latest -> Latest? in
        guard latest.pending else { return nil }
        latest.pending = false
        return latest
      }
      guard let value else {
        // Waits for a report; the timeout only bounds how long a missed wake-up could delay one.
        await reported.wait(upTo: .seconds(5), clock: clock)
        continue
      }
      do {
        try await store.recordProgress(
          job.id, owner: owner, stage: job.stage, attempt: job.attempt, bytesDone: value.bytesDone,
          bytesTotal: value.bytesTotal)
      } catch {
        if Task.isCancelled { return }
        logger.warning(
          "could not record stage progress",
          ["migration.id": job.id.rawValue, "stage": job.stage.rawValue, "error": String(describing: error)])
      }
      do { try await clock.sleep(for: interval) } catch { return }
    }
  }
}
