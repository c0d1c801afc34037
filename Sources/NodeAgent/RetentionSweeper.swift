import Core
import Foundation

/// Applies the retention policy to the node's checkpoint directory now and then, skipping
/// archives with a publication running.
public struct RetentionSweeper: Sendable {
  let directory: ArchiveDirectory
  let policy: RetentionPolicy
  let publications: Publications
  let time: any TimeSource
  let logger: Logger

  public init(
    directory: ArchiveDirectory, policy: RetentionPolicy, publications: Publications, time: any TimeSource, logger: Logger
  ) {
    self.directory = directory
    self.policy = policy
    self.publications = publications
    self.time = time
    self.logger = logger
  }

  /// One pass: deletes what the policy chooses and returns it. A file that cannot be deleted
  /// is logged and left for the next pass.
  @discardableResult
  public func sweep() async -> [StoredArchive] {
    let archives: [StoredArchive]
    do { archives = try directory.list() } catch {
      logger.error("cannot list the checkpoint directory", ["directory": directory.path, "error": "\(error)"])
      return []
    }
    let busy = await publications.busyArchives()
    var deleted: [StoredArchive] = []
    for archive in policy.expired(archives, now: time.now(), busy: busy) {
      // Checked again right before deleting: a publication may have started since the listing.
      if await publications.busyArchives().contains(archive.name) { continue }
      do {
        if try directory.delete(archive.name) { deleted.append(archive) }
        logger.info("archive deleted by retention", ["archive": archive.name, "bytes": String(archive.sizeBytes)])
      } catch {
        logger.warning("archive could not be deleted", ["archive": archive.name, "error": "\(error)"])
      }
    }
    return deleted
  }

  /// Sweeps every `interval` until the task is cancelled.
  public func run(every interval: Duration) async {
    while !Task.isCancelled {
      await sweep()
      do { try await Task.sleep(for: interval) } catch { return }
    }
  }
}
