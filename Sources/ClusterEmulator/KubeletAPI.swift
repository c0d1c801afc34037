import Foundation
import HTTPServer

/// Who is calling a kubelet: a client with a bearer token (direct), or the API server's
/// kubelet-client identity (node proxy).
enum KubeletCaller: Sendable {
  case token(Scenario.Token?)
  case apiServer
}

/// The kubelet endpoints the emulator serves: `POST /checkpoint/{ns}/{pod}/{container}` and
/// `/healthz`, with the kubelet's plain-text error bodies (go-restful `WriteError`).
struct KubeletAPI: Sendable {
  let store: ClusterStore

  func handle(
    node nodeName: String, method: String, path: String, query: [(name: String, value: String)],
    caller: KubeletCaller
  ) async -> HTTPResponse {
    if case .token(let token) = caller, token == nil { return Self.text(401, "Unauthorized") }
    guard let node = store.with({ $0.node(nodeName) }) else { return Self.pageNotFound }
    let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    if segments == ["healthz"] { return Self.text(200, "ok") }
    guard segments.count == 4, segments[0] == "checkpoint", node.config.checkpointGate ?? true else {
      return Self.pageNotFound
    }
    guard method == "POST" else { return Self.text(405, "405: Method Not Allowed") }
    switch caller {
    case .token(let token?) where !token.allows("create", "nodes/checkpoint"):
      return Self.forbidden(user: token.userName)
    case .apiServer where node.config.apiserverKubeletClientForbidden ?? false:
      return Self.forbidden(user: "kube-apiserver-kubelet-client")
    default:
      break
    }
    let (namespace, podName, containerName) = (segments[1], segments[2], segments[3])
    let effect = store.with { state -> Fault.Effect? in
      state.count(.checkpoint)
      return state.takeFault(.checkpoint, name: nodeName)
    }
    if let effect {
      if effect.stallMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(effect.stallMilliseconds)) }
      if let fault = effect.failure {
        let text =
          fault.body
          ?? "checkpointing of \(namespace)/\(podName)/\(containerName) failed (\(fault.message ?? "rpc error: code = Unknown desc = emulated fault"))"
        var response = Self.text(fault.status ?? 500, text)
        if let seconds = fault.retryAfterSeconds { response.headers.add("Retry-After", String(seconds)) }
        return response
      }
    }
    return await checkpoint(
      node: node, namespace: namespace, podName: podName, containerName: containerName,
      query: query, via: caller.via)
  }

  private func checkpoint(
    node: NodeRecord, namespace: String, podName: String, containerName: String,
    query: [(name: String, value: String)], via: String
  ) async -> HTTPResponse {
    guard
      let pod = store.with({ state in
        state.podIndex(namespace, podName).map { state.pods[$0] }.flatMap { $0.nodeName == node.name ? $0 : nil }
      })
    else { return Self.text(404, "pod does not exist") }
    let specNames = ["containers", "initContainers", "ephemeralContainers"].flatMap { key in
      (pod.spec[key]?.array ?? []).compactMap { $0["name"]?.string }
    }
    guard specNames.contains(containerName) else { return Self.text(404, "container \(containerName) does not exist") }
    let failed = { (cause: String) in
      Self.text(500, "checkpointing of \(namespace)/\(podName)/\(containerName) failed (\(cause))")
    }
    if let timeout = query.last(where: { $0.name == "timeout" })?.value {
      guard let seconds = Int64(timeout) else { return Self.text(404, "cannot parse value of timeout parameter") }
      if seconds < 0 { return failed("rpc error: code = InvalidArgument desc = timeout must not be negative") }
    }
    if let unsupported = node.runtime.checkpointUnsupported { return failed(unsupported) }
    if !(node.config.criuAvailable ?? true) {
      return failed("rpc error: code = Unknown desc = checkpoint/restore support not available")
    }
    guard let container = pod.containers.first(where: { $0.name == containerName }), container.running,
      let containerID = container.containerID
    else { return failed("container \(containerName) not found") }
    let busyKey = pod.uid + "/" + containerName
    let busy = store.with { state -> Bool in
      if state.inFlightCheckpoints.contains(busyKey) { return true }
      state.inFlightCheckpoints.insert(busyKey)
      return false
    }
    if busy {
      return failed(
        "rpc error: code = Unknown desc = failed to checkpoint container \(containerID.suffix(64)): cannot pause a paused container"
      )
    }
    defer { _ = store.with { $0.inFlightCheckpoints.remove(busyKey) } }

    let now = KubeTime.now()
    let fileName = "checkpoint-\(podName)_\(namespace)-\(containerName)-\(KubeTime.local(now)).tar"
    let directory = node.checkpointDirectory
    let file = directory + "/" + fileName
    let reported = (node.config.reportedCheckpointDirectory ?? "/var/lib/kubelet/checkpoints") + "/" + fileName
    let facts = Self.facts(pod: pod, container: container, runtime: node.runtime.family, time: now)
    do {
      let size = try await Blocking.run {
        if !FileManager.default.fileExists(atPath: directory) {
          try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        return try CheckpointArchive.write(facts, to: file)
      }
      store.with { state in
        state.checkpoints.append(
          CheckpointRecord(
            node: node.name, namespace: namespace, pod: podName, container: containerName, reportedPath: reported,
            file: file, sizeBytes: size, pagesBytes: facts.memoryBytes, createdAt: now, via: via))
      }
    } catch {
      return failed("rpc error: code = Unknown desc = \(error)")
    }
    // Built literally as `{"items":["%s"]}`, like the kubelet.
    return HTTPResponse(
      status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]),
      body: Array("{\"items\":[\"\(reported)\"]}".utf8))
  }

  static func facts(pod: PodRecord, container: ContainerRecord, runtime: RuntimeKind.Family, time: Int)
    -> CheckpointFacts
  {
    let spec = (pod.spec["containers"]?.array ?? []).first { $0["name"]?.string == container.name } ?? [:]
    let volumes = pod.spec["volumes"]?.array ?? []
    let mounts = (spec["volumeMounts"]?.array ?? []).compactMap { mount -> (String, String, Bool)? in
      guard let name = mount["name"]?.string, let destination = mount["mountPath"]?.string else { return nil }
      let volume = volumes.first { $0["name"]?.string == name } ?? [:]
      return (hostPath(volume, name: name, podUID: pod.uid), destination, mount["readOnly"]?.bool ?? false)
    }
    let hex = String((container.containerID ?? "").split(separator: "/").last ?? "")
    return CheckpointFacts(
      runtime: runtime, namespace: pod.namespace, pod: pod.name, podUID: pod.uid, podIP: pod.podIP ?? "",
      container: container.name, containerID: hex, image: container.image, baseImage: container.baseImage,
      baseImageName: container.baseImageName, baseImageRef: container.baseImageRef,
      command: (spec["command"]?.array ?? []).compactMap(\.string) + (spec["args"]?.array ?? []).compactMap(\.string),
      mounts: mounts.map { (source: $0.0, destination: $0.1, readOnly: $0.2) }, memoryBytes: container.memoryBytes,
      createdTime: pod.startTime ?? pod.creationTimestamp, checkpointTime: time, labels: pod.labels)
  }

  /// Where the kubelet keeps a volume on the node.
  static func hostPath(_ volume: JSONValue, name: String, podUID: String) -> String {
    let base = "/var/lib/kubelet/pods/\(podUID)/volumes/"
    if let path = volume["hostPath"]?["path"]?.string { return path }
    if let claim = volume["persistentVolumeClaim"]?["claimName"]?.string {
      return "/var/lib/kubelet/pods/\(podUID)/volumes/kubernetes.io~csi/pvc-\(claim)/mount"
    }
    let plugins = [
      "emptyDir": "empty-dir", "configMap": "configmap", "secret": "secret", "projected": "projected",
      "downwardAPI": "downward-api",
    ]
    let type = volume.object?.keys.first { $0 != "name" } ?? "empty-dir"
    return base + "kubernetes.io~" + (plugins[type] ?? type) + "/" + name
  }

  static let pageNotFound = text(404, "404 page not found\n")

  static func forbidden(user: String) -> HTTPResponse {
    text(403, "Forbidden (user=\(user), verb=create, resource=nodes, subresource(s)=[checkpoint])")
  }

  static func text(_ status: Int, _ body: String) -> HTTPResponse {
    HTTPResponse(
      status: status,
      headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")]),
      body: Array(body.utf8))
  }
}

extension KubeletCaller {
  var via: String {
    switch self {
    case .token: "kubelet"
    case .apiServer: "proxy"
    }
  }
}
