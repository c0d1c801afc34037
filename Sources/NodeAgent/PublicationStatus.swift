import Stages

/// A publication as the agent's API shows it (`GET /v1/publications/{id}`), and as the
/// controller's client reads it.
public struct PublicationStatus: Sendable, Equatable, Codable {
  /// Persisted nowhere, but part of the wire contract: values never change.
  public enum State: String, Sendable, Codable {
    case running, succeeded, failed
  }

  /// Why a publication failed, and whether starting it again may help.
  public struct Failure: Sendable, Equatable, Codable {
    public var message: String
    public var retryable: Bool

    public init(message: String, retryable: Bool) {
      self.message = message
      self.retryable = retryable
    }
  }

  /// The publication's id: the migration id it was started for.
  public var id: String
  public var request: PublicationRequest
  public var state: State
  /// Archive bytes uploaded by the current attempt, and the archive's size (0 until opened).
  public var bytesDone: Int64
  public var bytesTotal: Int64
  /// `sha256:…` of the manifest, once succeeded.
  public var manifestDigest: String?
  public var error: Failure?

  public init(
    id: String, request: PublicationRequest, state: State, bytesDone: Int64, bytesTotal: Int64, manifestDigest: String? = nil,
    error: Failure? = nil
  ) {
    self.id = id
    self.request = request
    self.state = state
    self.bytesDone = bytesDone
    self.bytesTotal = bytesTotal
    self.manifestDigest = manifestDigest
    self.error = error
  }
}
