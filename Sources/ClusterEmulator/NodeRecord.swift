import Foundation

/// An image in a node's local store.
struct NodeImage: Sendable {
  /// Fully qualified names (tag and digest forms).
  var names: [String]
  /// The image ID (64 hex).
  var id: String
  var sizeBytes: Int64
  /// Set when the image was pulled from a registry and is a checkpoint image.
  var checkpoint: CheckpointImage?

  func matches(_ reference: String) -> Bool {
    let wanted = ImageReference(reference).normalized
    return names.contains(wanted) || reference == id || reference == "sha256:" + id
  }
}

/// What the runtime learnt about a pulled checkpoint image.
struct CheckpointImage: Sendable {
  /// `repo@sha256:…` of the manifest.
  var repoDigest: String
  /// Manifest annotations.
  var annotations: [String: String]
  /// The unpacked layer (umoci bundle rootfs) holding `spec.dump`, `config.dump`, …
  var rootfs: String
}

/// A node: its configuration, images and kubelet endpoint.
struct NodeRecord: Sendable {
  var config: Scenario.Node
  var uid: String
  var resourceVersion: Int
  var creationTimestamp: String
  var images: [NodeImage]
  var kubeletPort: UInt16 = 0
  var checkpointDirectory: String

  var name: String { config.name }
  var ready: Bool { config.ready ?? true }
  var unschedulable: Bool { config.unschedulable ?? false }
  var runtimeVersion: String { config.runtime ?? "cri-o://1.31.3" }
  var runtime: RuntimeKind { RuntimeKind(runtimeVersion) }
  var labels: [String: String] {
    var labels = config.labels ?? [:]
    labels["kubernetes.io/hostname"] = name
    labels["kubernetes.io/os"] = config.os ?? "linux"
    labels["kubernetes.io/arch"] = config.architecture ?? "amd64"
    labels["beta.kubernetes.io/os"] = config.os ?? "linux"
    labels["beta.kubernetes.io/arch"] = config.architecture ?? "amd64"
    return labels
  }

  func image(matching reference: String) -> NodeImage? {
    images.first { $0.matches(reference) }
  }

  /// Adds an image, or merges names into the entry with the same ID.
  mutating func addImage(_ image: NodeImage) {
    if let index = images.firstIndex(where: { $0.id == image.id }) {
      for name in image.names where !images[index].names.contains(name) { images[index].names.append(name) }
      if image.checkpoint != nil { images[index].checkpoint = image.checkpoint }
    } else {
      images.append(image)
    }
  }

  /// The v1 Node object.
  func json(listItem: Bool = false) -> JSONValue {
    let now = KubeTime.utc(KubeTime.now())
    func condition(_ type: String, _ status: Bool, _ reason: String, _ message: String) -> JSONValue {
      [
        "type": .string(type), "status": status ? "True" : "False", "reason": .string(reason),
        "message": .string(message), "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(creationTimestamp),
      ]
    }
    var taints: [JSONValue] = []
    if unschedulable {
      taints.append(["key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": .string(now)])
    }
    if !ready {
      taints.append(["key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"])
      taints.append(["key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": .string(now)])
    }
    var spec: JSONValue = ["podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]]
    if unschedulable { spec["unschedulable"] = true }
    if !taints.isEmpty { spec["taints"] = .array(taints) }
    let resources: JSONValue = [
      "cpu": .string(config.cpu ?? "4"), "memory": .string(config.memory ?? "8Gi"),
      "pods": .string(String(config.maxPods ?? 110)), "ephemeral-storage": "100Gi", "hugepages-2Mi": "0",
    ]
    var node: JSONValue = [
      "metadata": [
        "name": .string(name), "uid": .string(uid), "resourceVersion": .string(String(resourceVersion)),
        "creationTimestamp": .string(creationTimestamp), "labels": .strings(labels),
        "annotations": ["node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"],
      ],
      "spec": spec,
      "status": [
        "capacity": resources, "allocatable": resources,
        "conditions": [
          condition("MemoryPressure", false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
          condition("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
          condition("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
          ready
            ? condition("Ready", true, "KubeletReady", "kubelet is posting ready status")
            : condition("Ready", false, "KubeletNotReady", "container runtime network not ready"),
        ],
        // Every emulated kubelet listens on loopback; the port tells them apart, so a client
        // that reaches kubelets directly finds them the way it would in a cluster.
        "addresses": [["type": "InternalIP", "address": "127.0.0.1"], ["type": "Hostname", "address": .string(name)]],
        "daemonEndpoints": ["kubeletEndpoint": ["Port": .int(Int64(kubeletPort))]],
        "nodeInfo": [
          "machineID": .string(String(uid.replacingOccurrences(of: "-", with: "").prefix(32))),
          "systemUUID": .string(uid), "bootID": .string(uid),
          "kernelVersion": .string(config.kernelVersion ?? "6.1.0-28-amd64"),
          "osImage": .string(config.osImage ?? "Debian GNU/Linux 12 (bookworm)"),
          "containerRuntimeVersion": .string(runtimeVersion),
          "kubeletVersion": .string(config.kubeletVersion ?? "v1.31.3"),
          "kubeProxyVersion": .string(config.kubeletVersion ?? "v1.31.3"),
          "operatingSystem": .string(config.os ?? "linux"),
          "architecture": .string(config.architecture ?? "amd64"),
        ],
        "images": .array(
          images.map { ["names": .array($0.names.map { .string($0) }), "sizeBytes": .int($0.sizeBytes)] }),
      ],
    ]
    if !listItem {
      node["kind"] = "Node"
      node["apiVersion"] = "v1"
    }
    return node
  }
}

/// The container runtime family and version of a node, from `containerRuntimeVersion`.
struct RuntimeKind: Sendable {
  enum Family: String, Sendable { case crio = "cri-o", containerd }
  var family: Family
  var version: [Int]

  init(_ runtimeVersion: String) {
    let parts = runtimeVersion.split(separator: "://", maxSplits: 1).map(String.init)
    family = parts.first == "containerd" ? .containerd : .crio
    let number = parts.count > 1 ? parts[1] : "0"
    version = number.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    while version.count < 3 { version.append(0) }
  }

  func atLeast(_ major: Int, _ minor: Int, _ patch: Int = 0) -> Bool {
    version.lexicographicallyPrecedes([major, minor, patch]) == false
  }

  /// The CRI `CheckpointContainer` error when this runtime cannot checkpoint at all.
  var checkpointUnsupported: String? {
    switch family {
    case .containerd where !atLeast(2, 0):
      return "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented"
    case .crio where !atLeast(1, 25):
      return "rpc error: code = Unimplemented desc = unknown method CheckpointContainer for service runtime.v1.RuntimeService"
    default:
      return nil
    }
  }

  /// The manifest annotation this runtime reads to detect a checkpoint image, if it restores from
  /// images at all (CRI-O ≥ 1.26; containerd 2.1–2.3).
  var checkpointAnnotation: String? {
    switch family {
    case .crio: atLeast(1, 26) ? "io.kubernetes.cri-o.annotations.checkpoint.name" : nil
    case .containerd: atLeast(2, 1) && !atLeast(2, 4) ? "org.criu.checkpoint.container.name" : nil
    }
  }

  /// containerd 2.2.7+ and 2.3.4+ restore via CreateContainer only when enabled in config.
  var restoreNeedsOptIn: Bool {
    family == .containerd && ((atLeast(2, 2, 7) && !atLeast(2, 3)) || atLeast(2, 3, 4))
  }

  /// CRI-O checks checkpointed bind mounts from 1.32.0, backported to 1.29.11, 1.30.8, 1.31.3.
  var checksBindMounts: Bool {
    guard family == .crio else { return false }
    if atLeast(1, 32) { return true }
    if atLeast(1, 31) { return atLeast(1, 31, 3) }
    if atLeast(1, 30) { return atLeast(1, 30, 8) }
    if atLeast(1, 29) { return atLeast(1, 29, 11) }
    return false
  }
}
