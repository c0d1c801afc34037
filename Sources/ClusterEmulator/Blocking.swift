import Foundation

/// Runs blocking work (file writes, unpacking checks) on a thread of its own, so the
/// cooperative pool never waits on disk.
enum Blocking {
  static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
  }
}
