import Crypto

/// The config and manifest of a single-layer OCI checkpoint image, as bytes ready to push.
///
/// The manifest carries the annotations the runtimes look for (CRI-O:
/// `io.kubernetes.cri-o.annotations.checkpoint.name`; containerd 2.1-2.3:
/// `org.criu.checkpoint.container.name`; both set to the container's name), informational
/// `org.criu.checkpoint.*` keys, and podhop's own `io.podhop.*` keys. Both documents are
/// encoded with sorted keys and no whitespace, so the same spec and layer give the same digests.
public struct CheckpointImage: Sendable, Equatable {
  /// `application/vnd.oci.image.manifest.v1+json`: CRI-O reads annotations only from this type.
  public static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
  /// `application/vnd.oci.image.config.v1+json`.
  public static let configMediaType = "application/vnd.oci.image.config.v1+json"

  /// Annotation keys written into the manifest.
  public enum AnnotationKey {
    /// Read by CRI-O (1.26+) to recognise a checkpoint image; value: the container name.
    public static let crioCheckpointName = "io.kubernetes.cri-o.annotations.checkpoint.name"
    /// CRI-O's informational base-image name key.
    public static let crioRootfsImageName = "io.kubernetes.cri-o.annotations.checkpoint.rootfsImageName"
    /// Read by containerd 2.1-2.3 to recognise a checkpoint image; value: the container name.
    public static let criuContainerName = "org.criu.checkpoint.container.name"
    /// Informational (checkpointctl): the pod's name.
    public static let criuPodName = "org.criu.checkpoint.pod.name"
    /// Informational (checkpointctl): the pod's namespace.
    public static let criuPodNamespace = "org.criu.checkpoint.pod.namespace"
    /// Informational (checkpointctl): the base image's name.
    public static let criuRootfsImageName = "org.criu.checkpoint.rootfsImageName"
    /// Informational (checkpointctl): the base image the user asked for.
    public static let criuRootfsImageUserRequested = "org.criu.checkpoint.rootfsImageUserRequested"
    /// Informational (checkpointctl): the runtime's base image reference.
    public static let criuRootfsImageID = "org.criu.checkpoint.rootfsImageID"
    /// Informational (checkpointctl): the OCI runtime (`runc`, `crun`).
    public static let criuRuntimeName = "org.criu.checkpoint.runtime.name"
    /// podhop: when the checkpoint was taken (RFC 3339, UTC). No runtime defines a key for it.
    public static let checkpointTime = "io.podhop.checkpoint.time"
    /// podhop: the migration this image belongs to.
    public static let migration = "io.podhop.migration"
    /// podhop: the sha256 of the kubelet's archive, bare lowercase hex (the layer's diffID).
    public static let archiveSHA256 = "io.podhop.archive.sha256"
  }

  /// The config JSON.
  public let config: [UInt8]
  /// The config's descriptor (media type, digest, size).
  public let configDescriptor: OCIDescriptor
  /// The manifest JSON.
  public let manifest: [UInt8]
  /// The manifest's descriptor (media type, digest, size).
  public let manifestDescriptor: OCIDescriptor
  /// The one layer.
  public let layer: LayerDigests
  /// The manifest's annotations.
  public let annotations: [String: String]

  /// Builds the config and manifest for `spec` and `layer`.
  public init(spec: CheckpointImageSpec, layer: LayerDigests) {
    let created = RFC3339.string(from: spec.created)
    let origin = "\(spec.namespace ?? "")/\(spec.podName ?? "")/\(spec.containerName)"
    let configDocument = OCIImageConfig(
      architecture: spec.architecture, os: spec.os, created: created,
      rootfs: .init(diffIDs: [layer.diffID]),
      history: [.init(created: created, createdBy: "podhop checkpoint \(origin)")])
    config = CanonicalJSON.encode(configDocument)
    configDescriptor = OCIDescriptor(
      mediaType: Self.configMediaType, digest: "sha256:" + SHA256.hexDigest(config), size: Int64(config.count))

    var annotations = [
      AnnotationKey.crioCheckpointName: spec.containerName,
      AnnotationKey.criuContainerName: spec.containerName,
      AnnotationKey.archiveSHA256: String(layer.diffID.dropFirst("sha256:".count)),
    ]
    annotations[AnnotationKey.criuPodName] = spec.podName
    annotations[AnnotationKey.criuPodNamespace] = spec.namespace
    annotations[AnnotationKey.crioRootfsImageName] = spec.rootfsImageName
    annotations[AnnotationKey.criuRootfsImageName] = spec.rootfsImageName
    annotations[AnnotationKey.criuRootfsImageUserRequested] = spec.rootfsImage
    annotations[AnnotationKey.criuRootfsImageID] = spec.rootfsImageRef
    annotations[AnnotationKey.criuRuntimeName] = spec.runtime
    annotations[AnnotationKey.checkpointTime] = spec.checkpointedAt.map(RFC3339.string(from:))
    annotations[AnnotationKey.migration] = spec.migrationID
    self.annotations = annotations

    let layerDescriptor = OCIDescriptor(mediaType: layer.mediaType, digest: layer.digest, size: layer.size)
    manifest = CanonicalJSON.encode(
      OCIManifest(config: configDescriptor, layers: [layerDescriptor], annotations: annotations))
    manifestDescriptor = OCIDescriptor(
      mediaType: Self.manifestMediaType, digest: "sha256:" + SHA256.hexDigest(manifest), size: Int64(manifest.count))
    self.layer = layer
  }
}
