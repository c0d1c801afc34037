import Synchronization

/// Counts calls from any thread, e.g. how often a handler ran.
final class CallCounter: Sendable {
  private let count = Atomic<Int>(0)

  func increment() { count.add(1, ordering: .relaxed) }

  var value: Int { count.load(ordering: .relaxed) }
}
