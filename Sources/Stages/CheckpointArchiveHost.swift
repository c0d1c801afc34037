import Core
import OCI

/// Where the checkpoint, build, push and finalize stages reach a node's checkpoint archives:
/// in this process from a mounted directory (`LocalArchiveHost`), or through the node agent of
/// the archive's node (`NodeAgent.AgentArchiveHost`).
///
/// `file` is always a bare archive name (`checkpoint-<pod>_<ns>-<container>-<time>.tar`),
/// already checked by `CheckpointLocation`. Every method throws `StageError` (so it says
/// whether the queue should retry) or `CancellationError`.
public protocol CheckpointArchiveHost: Sendable {
  /// The archive's size in bytes; terminal when it does not exist.
  func size(of file: String, node: String) async throws -> Int64
  /// Validates the archive and returns what the build stage records.
  func inspect(_ file: String, node: String) async throws -> ArchiveInspection
  /// Publishes the archive as the checkpoint image `publication` describes; returns the
  /// manifest digest. Idempotent per migration: a repeated call for a migration whose upload is
  /// still running joins it instead of starting another. `progress` follows the archive bytes
  /// read into the layer upload.
  func publish(_ file: String, node: String, _ publication: PublicationRequest, progress: StageProgress) async throws
    -> String
  /// Deletes the archive; one that is already gone counts as deleted.
  func delete(_ file: String, node: String) async throws
}

/// What the build stage needs to know about a valid archive.
public struct ArchiveInspection: Sendable, Equatable, Codable {
  /// The container name the archive records (`config.dump`), if any.
  public var containerName: String?
  /// The image the container ran on: the target node needs it to restore.
  public var baseImage: String?
  /// The archive's size in bytes.
  public var sizeBytes: Int64

  public init(containerName: String?, baseImage: String?, sizeBytes: Int64) {
    self.containerName = containerName
    self.baseImage = baseImage
    self.sizeBytes = sizeBytes
  }
}

/// The image a migration's archive becomes: where it goes and how it is described.
public struct PublicationRequest: Sendable, Equatable, Codable {
  /// The migration; publications are idempotent by it.
  public var migrationID: String
  /// The archive file name in the node's checkpoint directory.
  public var archive: String
  /// The checkpointed container's name (the restore annotations carry it).
  public var container: String
  /// `host[:port]/repository:tag` to push to.
  public var reference: String
  public var compression: Compression
  /// The source node's OS and architecture (GOOS/GOARCH names), recorded in the image config.
  public var os: String
  public var architecture: String

  public init(
    migrationID: String, archive: String, container: String, reference: String, compression: Compression, os: String,
    architecture: String
  ) {
    self.migrationID = migrationID
    self.archive = archive
    self.container = container
    self.reference = reference
    self.compression = compression
    self.os = os
    self.architecture = architecture
  }
}
