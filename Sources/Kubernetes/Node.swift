/// A read-only view of a Node with the fields podhop needs; `json` holds the whole object.
public struct Node: Sendable {
  /// The whole object as the server returned it.
  public let json: JSONValue

  /// Wraps a Node object.
  public init(json: JSONValue) { self.json = json }

  /// `metadata.name`.
  public var name: String { json.value(at: "metadata", "name")?.string ?? "" }
  /// `metadata.labels`.
  public var labels: [String: String] { json.value(at: "metadata", "labels")?.stringMap ?? [:] }
  /// `status.nodeInfo.operatingSystem`, such as `linux`.
  public var operatingSystem: String { nodeInfo("operatingSystem") }
  /// `status.nodeInfo.architecture`, such as `amd64`.
  public var architecture: String { nodeInfo("architecture") }
  /// `status.nodeInfo.containerRuntimeVersion`, such as `cri-o://1.31.3`.
  public var containerRuntimeVersion: String { nodeInfo("containerRuntimeVersion") }
  /// The runtime part of `containerRuntimeVersion`: `cri-o` or `containerd`.
  public var runtimeName: String {
    let parts = containerRuntimeVersion.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
    return parts.count == 2 ? String(parts[0]) : ""
  }
  /// The version part of `containerRuntimeVersion`: `1.31.3`.
  public var runtimeVersion: String {
    let parts = containerRuntimeVersion.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
    return parts.count == 2 ? String(parts[1]) : containerRuntimeVersion
  }
  /// `status.nodeInfo.kubeletVersion`, such as `v1.31.2`.
  public var kubeletVersion: String { nodeInfo("kubeletVersion") }
  /// Whether the `Ready` condition is `True`.
  public var isReady: Bool { json.value(at: "status", "conditions")?.hasTrueCondition("Ready") ?? false }
  /// `spec.unschedulable` (cordoned).
  public var isUnschedulable: Bool { json.value(at: "spec", "unschedulable")?.bool ?? false }
  /// Every name of every image in `status.images` (tags and digests). The kubelet reports at
  /// most 50 images by default (`nodeStatusMaxImages`), so absence here is not proof.
  public var images: [String] {
    (json.value(at: "status", "images")?.array ?? []).flatMap { ($0["names"]?.array ?? []).compactMap(\.string) }
  }
  /// The first `InternalIP` in `status.addresses`.
  public var internalIP: String? {
    (json.value(at: "status", "addresses")?.array ?? []).first { $0["type"]?.string == "InternalIP" }?["address"]?
      .string
  }
  /// `status.daemonEndpoints.kubeletEndpoint.Port`, normally 10250.
  public var kubeletPort: Int? { json.value(at: "status", "daemonEndpoints", "kubeletEndpoint", "Port")?.int }
  /// `status.allocatable`, such as `["cpu": "4", "memory": "16Gi", "pods": "110"]`.
  public var allocatable: [String: String] { json.value(at: "status", "allocatable")?.stringMap ?? [:] }

  private func nodeInfo(_ key: String) -> String {
    json.value(at: "status", "nodeInfo", key)?.string ?? ""
  }
}
