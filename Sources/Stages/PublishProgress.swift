import Synchronization

/// How far a publication's layer upload has come, in archive bytes: written by the upload's
/// thread, read by whoever reports it (the node agent's publication resource).
public final class PublishProgress: Sendable {
  private let bytesDone = Atomic<Int64>(0)
  private let bytesTotal = Atomic<Int64>(0)

  public init() {}

  /// Records the current attempt's position; `done` goes back to 0 when an upload restarts.
  public func record(done: Int64, total: Int64) {
    bytesTotal.store(total, ordering: .relaxed)
    bytesDone.store(done, ordering: .relaxed)
  }

  /// Archive bytes uploaded so far, and the archive's size (0 until the upload opened it).
  public var snapshot: (done: Int64, total: Int64) {
    (bytesDone.load(ordering: .relaxed), bytesTotal.load(ordering: .relaxed))
  }
}
