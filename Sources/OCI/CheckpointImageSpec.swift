import Foundation

/// What goes into a checkpoint image besides the layer: names for the annotations and the
/// platform for the config.
public struct CheckpointImageSpec: Sendable, Equatable {
  /// The original container's name; both runtimes' checkpoint annotations carry it.
  public var containerName: String
  /// The pod the container ran in, if known.
  public var podName: String?
  /// The pod's namespace, if known.
  public var namespace: String?
  /// The base image's name (`config.dump` `rootfsImageName`), if known.
  public var rootfsImageName: String?
  /// The image the user asked for (`config.dump` `rootfsImage`, often `name@sha256:...`).
  public var rootfsImage: String?
  /// The runtime's reference to the base image (`config.dump` `rootfsImageRef`).
  public var rootfsImageRef: String?
  /// The OCI runtime that took the checkpoint (`config.dump` `runtime`, e.g. `runc`).
  public var runtime: String?
  /// When the checkpoint was taken, if known.
  public var checkpointedAt: Date?
  /// The config's `os`, e.g. `linux`; must match the node that restores.
  public var os: String
  /// The config's `architecture` in Go's spelling (`amd64`, `arm64`); must match the node.
  public var architecture: String
  /// The podhop migration this image belongs to, recorded as `io.podhop.migration`.
  public var migrationID: String?
  /// The config's `created` and `history[0].created` time. Pass a fixed value (for example
  /// the job's creation time) to get the same digest when a build is repeated.
  public var created: Date

  /// Creates a spec; `os` and `architecture` default to this machine's.
  public init(
    containerName: String, podName: String? = nil, namespace: String? = nil, rootfsImageName: String? = nil,
    rootfsImage: String? = nil, rootfsImageRef: String? = nil, runtime: String? = nil,
    checkpointedAt: Date? = nil, os: String = "linux", architecture: String = CheckpointImageSpec.hostArchitecture,
    migrationID: String? = nil, created: Date
  ) {
    self.containerName = containerName
    self.podName = podName
    self.namespace = namespace
    self.rootfsImageName = rootfsImageName
    self.rootfsImage = rootfsImage
    self.rootfsImageRef = rootfsImageRef
    self.runtime = runtime
    self.checkpointedAt = checkpointedAt
    self.os = os
    self.architecture = architecture
    self.migrationID = migrationID
    self.created = created
  }

  /// Creates a spec from what the archive says; `containerName` overrides the archive's (and is
  /// required when the archive does not name the container).
  public init(
    metadata: CheckpointMetadata, containerName: String? = nil, migrationID: String? = nil, created: Date
  ) {
    guard let name = containerName ?? metadata.containerName else {
      // The caller always knows the container it checkpointed; not passing it is a bug.
      preconditionFailure("the checkpoint metadata names no container; pass containerName")
    }
    self.init(
      containerName: name, podName: metadata.podName, namespace: metadata.namespace,
      rootfsImageName: metadata.rootfsImageName, rootfsImage: metadata.rootfsImage,
      rootfsImageRef: metadata.rootfsImageRef, runtime: metadata.runtime, checkpointedAt: metadata.checkpointedAt,
      migrationID: migrationID, created: created)
  }

  /// This machine's architecture in the spelling OCI configs use.
  public static var hostArchitecture: String {
    #if arch(x86_64)
      "amd64"
    #elseif arch(arm64)
      "arm64"
    #elseif arch(powerpc64le)
      "ppc64le"
    #elseif arch(s390x)
      "s390x"
    #elseif arch(riscv64)
      "riscv64"
    #else
      "unknown"
    #endif
  }
}
