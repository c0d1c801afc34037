import Synchronization

/// A cancellation flag shared between a connection's owning thread, the thread cancelling its
/// work, and SQLite's progress handler.
final class CancellationFlag: Sendable {
  private let value = Atomic<Bool>(false)

  /// Whether cancellation was requested.
  var isSet: Bool { value.load(ordering: .acquiring) }

  /// Requests (`true`) or clears (`false`) cancellation.
  func set(_ newValue: Bool) { value.store(newValue, ordering: .releasing) }
}
