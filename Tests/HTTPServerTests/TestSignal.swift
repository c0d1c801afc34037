import Synchronization

/// A one-shot event that tasks can wait for with a bounded timeout.
final class TestSignal: Sendable {
  private struct State {
    var fired = false
    var nextWaiter: UInt64 = 0
    /// `nil` until the waiting task has parked its continuation.
    var waiters: [UInt64: CheckedContinuation<Void, Never>?] = [:]
  }

  private let state = Mutex(State())

  var isFired: Bool { state.withLock { $0.fired } }

  /// Fires the event and wakes every waiter; later calls do nothing.
  func fire() {
    let parked = state.withLock { state in
      state.fired = true
      defer { state.waiters = [:] }
      return state.waiters.values.compactMap { $0 }
    }
    for waiter in parked { waiter.resume() }
  }

  /// True once fired; false if `timeout` passes or the task is cancelled first.
  func wait(timeout: Duration) async -> Bool {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.waitUntilFiredOrCancelled() }
      group.addTask { try? await Task.sleep(for: timeout) }
      await group.next()
      group.cancelAll()
    }
    return isFired
  }

  private func waitUntilFiredOrCancelled() async {
    let id = state.withLock { state in
      state.nextWaiter += 1
      state.waiters[state.nextWaiter] = .some(nil)
      return state.nextWaiter
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = state.withLock { state -> Bool in
          guard !state.fired, state.waiters[id] != nil else {
            state.waiters[id] = nil
            return true
          }
          state.waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let parked = state.withLock { $0.waiters.removeValue(forKey: id) }
      parked??.resume()
    }
  }
}
