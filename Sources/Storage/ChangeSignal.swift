import Synchronization

/// A generation counter that wakes waiters when the store committed a change to job history.
///
/// Readers take `generation` before they query and then `wait(after:upTo:)` it: a change
/// committed between the query and the wait has already moved the counter, so no wake-up is
/// lost. Only writes made through this process's `JobStore` move it; followers also re-read
/// after `upTo` for anything else.
public final class ChangeSignal: Sendable {
  private struct State {
    var generation: UInt64 = 0
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextToken = 0
  }
  private let state = Mutex(State())

  init() {}

  /// The number of changes committed so far.
  public var generation: UInt64 { state.withLock { $0.generation } }

  /// Records a committed change and wakes every waiter.
  func fire() {
    let waiters = state.withLock { state in
      state.generation &+= 1
      defer { state.waiters.removeAll() }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once `generation` has moved past `seen`, `timeout` has passed, or the task is
  /// cancelled.
  public func wait(after seen: UInt64, upTo timeout: Duration) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { try? await Task.sleep(for: timeout) }
      group.addTask { await self.change(after: seen) }
      await group.next()
      group.cancelAll()
    }
  }

  private func change(after seen: UInt64) async {
    let token = state.withLock { state in
      defer { state.nextToken += 1 }
      return state.nextToken
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let now = state.withLock { state -> Bool in
          if Task.isCancelled || state.generation != seen { return true }
          state.waiters[token] = continuation
          return false
        }
        if now { continuation.resume() }
      }
    } onCancel: {
      state.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
    }
  }
}
