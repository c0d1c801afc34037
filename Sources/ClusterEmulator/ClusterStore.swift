import Synchronization

/// The cluster state behind a lock. Every access is short and synchronous; nothing awaits or
/// runs a tool while holding it.
final class ClusterStore: Sendable {
  private let state: Mutex<ClusterState>

  init(_ state: ClusterState) {
    self.state = Mutex(state)
  }

  /// Runs `body` with exclusive access to the state.
  @discardableResult
  func with<T: Sendable, E: Error>(_ body: (inout ClusterState) throws(E) -> T) throws(E) -> T {
    try state.withLock { (state) throws(E) -> T in try body(&state) }
  }
}
