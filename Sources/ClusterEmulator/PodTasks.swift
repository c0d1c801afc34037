import Synchronization

/// The runtime tasks started for pods. `ClusterEmulator.stop()` and `reset` cancel and await
/// them all, so no task outlives the emulator.
final class PodTasks: Sendable {
  private let tasks = Mutex<[Int: Task<Void, Never>]>([:])
  private let counter = Atomic<Int>(0)

  /// Starts `work` in a task that removes itself from the registry when done.
  func spawn(_ work: @escaping @Sendable () async -> Void) {
    let id = counter.add(1, ordering: .relaxed).newValue
    tasks.withLock { tasks in
      // Unstructured on purpose: a pod's runtime outlives the HTTP request that created it;
      // `cancelAll()` is the owner that cancels and awaits it.
      tasks[id] = Task { [weak self] in
        await work()
        _ = self?.tasks.withLock { $0.removeValue(forKey: id) }
      }
    }
  }

  /// Cancels every task and waits until they have finished.
  func cancelAll() async {
    let running = tasks.withLock { tasks in
      defer { tasks.removeAll() }
      return Array(tasks.values)
    }
    for task in running { task.cancel() }
    for task in running { await task.value }
  }
}
