import Dispatch
import Synchronization

/// Runs blocking work (hashing, compressing, file I/O) on a dedicated Dispatch queue instead of
/// Swift's cooperative pool, and forwards task cancellation to it as a flag it polls.
enum BlockingWork {
  /// Concurrent, so two builds proceed in parallel; Dispatch adds threads for blocked work
  /// items, which the cooperative pool would not.
  private static let queue = DispatchQueue(label: "podhop.oci.blocking", qos: .utility, attributes: .concurrent)

  /// Runs `work` on the queue and returns its result; `work` should poll the flag it is given.
  static func run<Value: Sendable>(
    _ work: @escaping @Sendable (CancellationFlag) throws(ImageError) -> Value
  ) async throws(ImageError) -> Value {
    let flag = CancellationFlag()
    let result: Result<Value, ImageError> = await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        queue.async {
          do throws(ImageError) {
            continuation.resume(returning: .success(try work(flag)))
          } catch {
            continuation.resume(returning: .failure(error))
          }
        }
      }
    } onCancel: {
      flag.cancel()
    }
    return try result.get()
  }
}

/// A one-way flag set when the awaiting task is cancelled.
final class CancellationFlag: Sendable {
  private let state = Atomic<Bool>(false)

  /// Whether cancellation was requested.
  var isCancelled: Bool { state.load(ordering: .relaxed) }

  /// Requests cancellation.
  func cancel() { state.store(true, ordering: .relaxed) }
}
