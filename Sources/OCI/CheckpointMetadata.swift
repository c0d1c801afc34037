import Foundation

/// What a checkpoint's `config.dump` and `spec.dump` say about the container.
///
/// Parsing is lenient: unknown fields are ignored and a field of an unexpected type is treated as
/// absent. Names come from `spec.dump` annotations first (CRI-O's `io.kubernetes.*`, then
/// containerd's `io.kubernetes.cri.*`), then from CRI-O's `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`
/// container name in `config.dump`.
public struct CheckpointMetadata: Sendable, Equatable {
  /// The original container's name, if known.
  public var containerName: String?
  /// The pod's name, if known.
  public var podName: String?
  /// The pod's namespace, if known.
  public var namespace: String?
  /// `config.dump` `name` (CRI-O: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`).
  public var runtimeContainerName: String?
  /// `config.dump` `rootfsImage`: the image the user asked for (often `name@sha256:...`).
  public var rootfsImage: String?
  /// `config.dump` `rootfsImageName`, e.g. `docker.io/library/nginx:latest`.
  public var rootfsImageName: String?
  /// `config.dump` `rootfsImageRef`: CRI-O's local image ID or containerd's `name@digest`.
  public var rootfsImageRef: String?
  /// `config.dump` `runtime`, e.g. `runc`.
  public var runtime: String?
  /// `config.dump` `checkpointedTime`.
  public var checkpointedAt: Date?
  /// `spec.dump` `io.container.manager`: `cri-o`, `libpod`, or `nil` (containerd).
  public var containerManager: String?
  /// Every string annotation of `spec.dump`.
  public var specAnnotations: [String: String]

  /// Creates metadata from known values.
  public init(
    containerName: String? = nil, podName: String? = nil, namespace: String? = nil,
    runtimeContainerName: String? = nil, rootfsImage: String? = nil, rootfsImageName: String? = nil,
    rootfsImageRef: String? = nil, runtime: String? = nil, checkpointedAt: Date? = nil,
    containerManager: String? = nil, specAnnotations: [String: String] = [:]
  ) {
    self.containerName = containerName
    self.podName = podName
    self.namespace = namespace
    self.runtimeContainerName = runtimeContainerName
    self.rootfsImage = rootfsImage
    self.rootfsImageName = rootfsImageName
    self.rootfsImageRef = rootfsImageRef
    self.runtime = runtime
    self.checkpointedAt = checkpointedAt
    self.containerManager = containerManager
    self.specAnnotations = specAnnotations
  }

  /// Parses the contents of `config.dump` and `spec.dump`.
  ///
  /// Throws ``ImageError/Code/invalidMetadata`` when either is not a JSON object.
  public init(configDump: [UInt8], specDump: [UInt8]) throws(ImageError) {
    let config = try Self.object(configDump, file: "config.dump")
    let spec = try Self.object(specDump, file: "spec.dump")
    var annotations: [String: String] = [:]
    for (key, value) in spec["annotations"] as? [String: Any] ?? [:] {
      if let value = value as? String { annotations[key] = value }
    }
    func string(_ key: String) -> String? {
      guard let value = config[key] as? String, !value.isEmpty else { return nil }
      return value
    }
    let runtimeName = string("name")
    // CRI-O names containers k8s_<container>_<pod>_<namespace>_<uid>_<attempt>; Kubernetes
    // names cannot contain "_", so the split is unambiguous.
    let parts = runtimeName?.split(separator: "_", omittingEmptySubsequences: false).map(String.init) ?? []
    let crioParts = parts.count == 6 && parts[0] == "k8s" ? parts : nil
    self.init(
      containerName: annotations["io.kubernetes.container.name"] ?? annotations["io.kubernetes.cri.container-name"]
        ?? crioParts?[1] ?? runtimeName,
      podName: annotations["io.kubernetes.pod.name"] ?? annotations["io.kubernetes.cri.sandbox-name"] ?? crioParts?[2],
      namespace: annotations["io.kubernetes.pod.namespace"] ?? annotations["io.kubernetes.cri.sandbox-namespace"]
        ?? crioParts?[3],
      runtimeContainerName: runtimeName,
      rootfsImage: string("rootfsImage"),
      rootfsImageName: string("rootfsImageName"),
      rootfsImageRef: string("rootfsImageRef"),
      runtime: string("runtime"),
      checkpointedAt: string("checkpointedTime").flatMap(RFC3339.date(from:)),
      containerManager: annotations["io.container.manager"],
      specAnnotations: annotations)
  }

  private static func object(_ bytes: [UInt8], file: String) throws(ImageError) -> [String: Any] {
    let parsed: Any
    do {
      parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
    } catch {
      throw ImageError(.invalidMetadata, "is not valid JSON; the checkpoint archive is damaged", entry: file)
    }
    guard let object = parsed as? [String: Any] else {
      throw ImageError(.invalidMetadata, "is JSON but not an object; the checkpoint archive is damaged", entry: file)
    }
    return object
  }
}
