import Core
import Synchronization

/// A stage implementation for queue tests: each call takes the next scripted step.
final class ScriptedExecutor: StageExecutor {
  enum Step: Sendable {
    case succeed(StageOutput)
    case fail(StageError)
    /// Waits until cancelled (a stage that takes forever).
    case block
    /// Takes a while, ignoring nothing: finishes unless cancelled.
    case work(Duration)
  }

  private let steps: Mutex<[Step]>
  private let fallback: Step
  let calls = Atomic<Int>(0)

  init(_ steps: [Step] = [], otherwise fallback: Step = .succeed(.none)) {
    self.steps = Mutex(steps)
    self.fallback = fallback
  }

  func execute(_ job: MigrationJob, artifacts: StageArtifacts, progress: StageProgress) async throws -> StageOutput {
    calls.add(1, ordering: .sequentiallyConsistent)
    let step = steps.withLock { $0.isEmpty ? fallback : $0.removeFirst() }
    switch step {
    case .succeed(let output): return output
    case .fail(let error): throw error
    case .block:
      try await Task.sleep(for: .seconds(3600))
      return .none
    case .work(let duration):
      try await Task.sleep(for: duration)
      return .none
    }
  }

  var callCount: Int { calls.load(ordering: .sequentiallyConsistent) }
}
