import Core
import OCI
import Registry

/// What a failed publish means for the queue, the same in process and on the node agent:
/// registry errors keep their own retryability (transport, 429 and 5xx retry; auth and 4xx do
/// not), archive I/O errors retry, an invalid archive does not.
public enum PublishFailure {
  /// `error` (from `CheckpointImagePublisher`) as a stage error about `reference`.
  public static func stageError(_ error: any Error, reference: String) -> StageError {
    let message = "pushing to \(reference): \(error)"
    switch error {
    case let error as StageError: return error
    case let error as RegistryError:
      if let after = error.retryAfter { return StageError(.retry(after: after), message) }
      return error.isRetryable ? .retryable(message) : .terminal(message)
    case let error as ImageError:
      return error.code == .io ? .retryable(message) : .terminal(message)
    default:
      return .retryable(message)
    }
  }
}
