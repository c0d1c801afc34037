import Synchronization

/// A wake-up that tasks can wait on with a timeout: `fire()` releases every current waiter.
/// Used to wake idle workers when work arrives and a job's heartbeat when its cancel arrives.
final class Signal: Sendable {
  private struct State {
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextToken = 0
  }
  private let state = Mutex(State())

  /// Releases everyone waiting now.
  func fire() {
    let waiters = state.withLock { s in
      defer { s.waiters.removeAll() }
      return Array(s.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns when fired, when `timeout` elapses on `clock`, or when the task is cancelled.
  func wait(upTo timeout: Duration, clock: any Clock<Duration>) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { try? await clock.sleep(for: timeout) }
      group.addTask { await self.next() }
      await group.next()
      group.cancelAll()
    }
  }

  private func next() async {
    let token = state.withLock { s in
      defer { s.nextToken += 1 }
      return s.nextToken
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let cancelled = state.withLock { s -> Bool in
          if Task.isCancelled { return true }
          s.waiters[token] = continuation
          return false
        }
        if cancelled { continuation.resume() }
      }
    } onCancel: {
      state.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
    }
  }
}
