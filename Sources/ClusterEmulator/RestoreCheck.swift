import Foundation

/// What a successful restore takes over from the checkpoint.
struct RestoreFacts: Sendable {
  var baseImage: String
  var baseImageName: String
  var baseImageRef: String
  var memoryBytes: Int
}

/// The checks CRI-O (`server/container_restore.go`) or containerd 2.1–2.3 make before
/// restoring a container from an unpacked checkpoint image, with their error texts.
struct RestoreCheck: Sendable {
  let store: ClusterStore
  let registry: RegistryPuller

  func check(_ image: CheckpointImage, containerName: String, spec: JSONValue, node: NodeRecord) async
    -> Result<RestoreFacts, EmulatorError>
  {
    let rootfs = image.rootfs
    func missing(_ file: String) -> EmulatorError {
      EmulatorError("failed to read \"\(file)\": open \(rootfs)/\(file): no such file or directory")
    }
    func read(_ file: String) -> JSONValue? {
      FileManager.default.contents(atPath: rootfs + "/" + file).flatMap { try? JSONValue.parse([UInt8]($0)) }
    }
    let manager = FileManager.default
    guard manager.fileExists(atPath: rootfs + "/spec.dump") else { return .failure(missing("spec.dump")) }
    guard manager.fileExists(atPath: rootfs + "/config.dump") else { return .failure(missing("config.dump")) }
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: rootfs + "/checkpoint", isDirectory: &isDirectory), isDirectory.boolValue else {
      return .failure(missing("checkpoint"))
    }
    guard let specDump = read("spec.dump") else {
      return .failure(EmulatorError("failed to unmarshal \"spec.dump\": invalid JSON"))
    }
    guard let configDump = read("config.dump") else {
      return .failure(EmulatorError("failed to unmarshal \"config.dump\": invalid JSON"))
    }
    let annotations = specDump["annotations"]?.stringMap ?? [:]
    let baseRef = configDump["rootfsImageRef"]?.string ?? ""
    let baseName = configDump["rootfsImageName"]?.string ?? ""
    let baseImage = configDump["rootfsImage"]?.string ?? baseName
    let current = store.with { $0.node(node.name) } ?? node
    func present(_ reference: String) -> Bool {
      !reference.isEmpty && current.image(matching: reference) != nil
    }

    switch node.runtime.family {
    case .crio:
      guard annotations["io.kubernetes.cri-o.Annotations"] != nil else {
        // A containerd (or Podman) checkpoint: CRI-O needs its own annotations in spec.dump.
        // Exact CRI-O text UNVERIFIED.
        let creator = annotations["io.container.manager"] ?? "containerd"
        return .failure(
          EmulatorError(
            "failed to restore container \(containerName): checkpoint was created by \(creator), not CRI-O: spec.dump has no annotation \"io.kubernetes.cri-o.Annotations\""
          ))
      }
      if node.runtime.checksBindMounts, let bindMounts = read("bind.mounts")?.array {
        let declared = Set((spec["volumeMounts"]?.array ?? []).compactMap { $0["mountPath"]?.string })
        let missingMounts = bindMounts.compactMap { $0["destination"]?.string }.filter { !declared.contains($0) }
        if !missingMounts.isEmpty {
          return .failure(
            EmulatorError(
              "restoring container \(containerName) expects following bind mounts defined (\(missingMounts.joined(separator: ",")))"
            ))
        }
      }
      // CRI-O restores on top of the recorded image ID and never pulls it.
      guard present(baseRef) || present(baseName) || present(baseImage) else {
        return .failure(EmulatorError("image not known"))
      }
    case .containerd:
      guard manager.fileExists(atPath: rootfs + "/status.dump") else { return .failure(missing("status.dump")) }
      if !(present(baseRef) || present(baseName)) {
        // containerd pulls the base image itself (without pod pull secrets).
        switch await registry.pull(baseRef.isEmpty ? baseName : baseRef, node: current) {
        case .failure(let error):
          return .failure(EmulatorError("failed to pull checkpoint base image \(baseRef): \(error.description)"))
        case .success(let pulled):
          store.with { state in
            if let index = state.nodeIndex(node.name) { state.nodes[index].addImage(pulled) }
          }
        }
      }
    }
    let pagesSize =
      (try? manager.attributesOfItem(atPath: rootfs + "/checkpoint/pages-1.img")[.size] as? NSNumber)?.intValue
    return .success(
      RestoreFacts(
        baseImage: baseImage, baseImageName: baseName,
        baseImageRef: String(baseRef.split(separator: ":").last ?? ""), memoryBytes: pagesSize ?? ClusterState.defaultMemoryBytes)
    )
  }
}
