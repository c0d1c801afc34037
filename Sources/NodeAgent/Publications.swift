import Core
import Foundation
import Registry
import Stages

/// The agent's publications, one per migration id: started, joined by a repeated request,
/// polled, cancelled. Kept in memory only: an agent that restarts has none, and the controller's
/// next attempt starts the migration's publication again.
public actor Publications {
  /// Why a publication could not be started.
  public enum StartError: Error, Equatable {
    /// The archive does not exist in the checkpoint directory.
    case noArchive
    /// Another publication for this migration, with a different request, is running.
    case conflict
  }

  private struct Entry {
    var request: PublicationRequest
    var generation: UUID
    var progress: PublishProgress
    var task: Task<Void, Never>?
    var state = PublicationStatus.State.running
    var digest: String?
    var failure: PublicationStatus.Failure?
    var finishedAt: Date?
  }

  private let directory: ArchiveDirectory
  private let registry: @Sendable (RegistryReference) throws -> RegistryClient
  private let logger: Logger
  private let time: any TimeSource
  private var entries: [String: Entry] = [:]
  /// Finished publications are forgotten after this (re-attaching controllers read them before).
  private let keepFinished: TimeInterval = 3600

  /// - Parameter registry: the client for a reference's registry, built from the agent's
  ///   registry settings (credentials are read per publication, so a rotated Secret applies).
  public init(
    directory: ArchiveDirectory, registry: @escaping @Sendable (RegistryReference) throws -> RegistryClient, logger: Logger,
    time: any TimeSource = SystemTimeSource()
  ) {
    self.directory = directory
    self.registry = registry
    self.logger = logger
    self.time = time
  }

  /// Starts the publication of `request.migrationID`, or returns the existing one: running (a
  /// restarted controller re-attaches) or succeeded (with the same request). A failed one is
  /// started again. Returns the status and whether it was started now.
  public func start(_ request: PublicationRequest) throws(StartError) -> (PublicationStatus, created: Bool) {
    forgetOld()
    if let existing = entries[request.migrationID], existing.state != .failed {
      guard existing.request == request else { throw .conflict }
      return (status(request.migrationID, existing), false)
    }
    guard directory.stat(request.archive) != nil else { throw .noArchive }
    var entry = Entry(request: request, generation: UUID(), progress: PublishProgress())
    let generation = entry.generation
    let progress = entry.progress
    let archive = directory.file(request.archive)!
    let registry = self.registry
    // Owned by this actor: `cancel` cancels it and `finish` records its end; nobody awaits it.
    entry.task = Task {
      do {
        let reference = try RegistryReference.parse(request.reference)
        let (spec, _) = try await CheckpointImagePublisher.inspect(
          archive: archive, container: request.container, migrationID: request.migrationID, os: request.os,
          architecture: request.architecture)
        let published = try await CheckpointImagePublisher(registry: try registry(reference)).publish(
          archive: archive, spec: spec, compression: request.compression, to: reference,
          progress: StageProgress { done, total in progress.record(done: done, total: total ?? 0) })
        await self.finish(request.migrationID, generation, .success(published.manifestDigest))
      } catch {
        await self.finish(request.migrationID, generation, .failure(error))
      }
    }
    entries[request.migrationID] = entry
    logger.info("publication started", ["migration.id": request.migrationID, "archive": request.archive])
    return (status(request.migrationID, entry), true)
  }

  /// The publication `id`, or nil.
  public func status(_ id: String) -> PublicationStatus? {
    entries[id].map { status(id, $0) }
  }

  /// Cancels publication `id` (its upload stops) and forgets it; false when there was none.
  public func cancel(_ id: String) -> Bool {
    guard let entry = entries.removeValue(forKey: id) else { return false }
    entry.task?.cancel()
    logger.info("publication cancelled", ["migration.id": id])
    return true
  }

  /// The archives with a publication running: retention and deletion leave them alone.
  public func busyArchives() -> Set<String> {
    Set(entries.values.filter { $0.state == .running }.map(\.request.archive))
  }

  private func finish(_ id: String, _ generation: UUID, _ result: Result<String, any Error>) {
    guard var entry = entries[id], entry.generation == generation else { return }
    entry.task = nil
    entry.finishedAt = time.now()
    switch result {
    case .success(let digest):
      entry.state = .succeeded
      entry.digest = digest
      logger.info("publication succeeded", ["migration.id": id, "digest": digest])
    case .failure(let error):
      let stageError = PublishFailure.stageError(error, reference: entry.request.reference)
      entry.state = .failed
      entry.failure = PublicationStatus.Failure(message: stageError.message, retryable: stageError.isRetryable)
      logger.warning("publication failed", ["migration.id": id, "error": stageError.message])
    }
    entries[id] = entry
  }

  private func forgetOld() {
    let now = time.now()
    entries = entries.filter { _, entry in entry.finishedAt.map { now.timeIntervalSince($0) < keepFinished } ?? true }
  }

  private func status(_ id: String, _ entry: Entry) -> PublicationStatus {
    let (done, total) = entry.progress.snapshot
    return PublicationStatus(
      id: id, request: entry.request, state: entry.state, bytesDone: entry.state == .succeeded ? total : done,
      bytesTotal: total, manifestDigest: entry.digest, error: entry.failure)
  }
}
