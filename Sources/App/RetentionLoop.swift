import Core
import Storage

/// Deletes finished jobs, evacuations and deliveries older than `--retention-days`, at start
/// and then every `interval`, until cancelled. The audit trail is never pruned.
struct RetentionLoop: Sendable {
  let store: JobStore
  let age: Duration
  let interval: Duration
  let logger: Logger

  func run() async {
    while !Task.isCancelled {
      do {
        let pruned = try await store.pruneFinished(olderThan: age)
        if pruned != JobStore.Pruned() {
          logger.info(
            "pruned finished work",
            ["jobs": String(pruned.jobs), "evacuations": String(pruned.evacuations), "deliveries": String(pruned.deliveries)])
        }
      } catch {
        logger.error("pruning failed", ["error": String(describing: error)])
      }
      try? await Task.sleep(for: interval)
    }
  }
}
