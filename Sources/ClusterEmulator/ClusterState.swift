import Crypto
import Foundation

/// A checkpoint archive the emulated kubelet wrote.
struct CheckpointRecord: Sendable {
  var node: String
  var namespace: String
  var pod: String
  var container: String
  /// The path the kubelet API reported.
  var reportedPath: String
  /// Where the file really is.
  var file: String
  var sizeBytes: Int
  var pagesBytes: Int
  var createdAt: Int
  var via: String

  var json: JSONValue {
    [
      "node": .string(node), "namespace": .string(namespace), "pod": .string(pod), "container": .string(container),
      "path": .string(reportedPath), "file": .string(file), "sizeBytes": .int(Int64(sizeBytes)),
      "pagesBytes": .int(Int64(pagesBytes)), "createdAt": .string(KubeTime.utc(createdAt)), "via": .string(via),
    ]
  }
}

/// Everything the emulated cluster knows. Mutated only under `ClusterStore`'s lock.
struct ClusterState: Sendable {
  static let defaultMemoryBytes = 4 << 20

  var stateDirectory: String
  var tokens: [Scenario.Token]
  var resourceVersion = 1000
  var nodes: [NodeRecord] = []
  var pods: [PodRecord] = []
  var events: [EventRecord] = []
  var deletedPods: [JSONValue] = []
  var checkpoints: [CheckpointRecord] = []
  var requests: [String: Int] = [:]
  var faults: [Fault] = []
  var inFlightCheckpoints: Set<String> = []
  private var addressCounter = 0

  init(stateDirectory: String, tokens: [Scenario.Token]) {
    self.stateDirectory = stateDirectory
    self.tokens = tokens
  }

  mutating func nextVersion() -> Int {
    resourceVersion += 1
    return resourceVersion
  }

  mutating func nextPodIP() -> String {
    addressCounter += 1
    return "10.244.\(addressCounter / 250).\(addressCounter % 250 + 2)"
  }

  // MARK: Nodes

  func nodeIndex(_ name: String) -> Int? { nodes.firstIndex { $0.name == name } }

  func node(_ name: String) -> NodeRecord? { nodeIndex(name).map { nodes[$0] } }

  /// Adds a node, or replaces the configuration of an existing one (keeping its images,
  /// identity and kubelet port).
  @discardableResult
  mutating func upsertNode(_ config: Scenario.Node) -> NodeRecord {
    let directory =
      config.checkpointDirectory ?? stateDirectory + "/nodes/" + config.name + "/checkpoints"
    if let index = nodeIndex(config.name) {
      nodes[index].config = config
      nodes[index].checkpointDirectory = directory
      for image in Self.images(config) { nodes[index].addImage(image) }
      nodes[index].resourceVersion = nextVersion()
      return nodes[index]
    }
    let node = NodeRecord(
      config: config, uid: UUID().uuidString.lowercased(), resourceVersion: nextVersion(),
      creationTimestamp: KubeTime.utc(KubeTime.now()), images: Self.images(config), checkpointDirectory: directory)
    nodes.append(node)
    return node
  }

  private static func images(_ config: Scenario.Node) -> [NodeImage] {
    (config.images ?? []).map { image in
      let names = image.names.map { ImageReference($0).normalized }
      let idSource = names.first { $0.contains("@sha256:") } ?? names.first ?? ""
      return NodeImage(
        names: names, id: image.id ?? ImageReference.syntheticID(for: idSource),
        sizeBytes: image.sizeBytes ?? 50_000_000)
    }
  }

  // MARK: Pods

  func podIndex(_ namespace: String, _ name: String) -> Int? {
    pods.firstIndex { $0.namespace == namespace && $0.name == name }
  }

  /// Stores a new pod from a create request (validated and defaulted); it starts Pending.
  mutating func createPod(namespace: String, body: JSONValue) throws(APIStatus) -> PodRecord {
    let (metadata, spec) = try PodAdmission.admit(body, namespace: namespace)
    let name = metadata["name"]?.string ?? ""
    if podIndex(namespace, name) != nil { throw APIStatus.alreadyExists("pods", name) }
    let memory = metadata["annotations"]?["emulator.podhop.dev/memory-bytes"]?.string.flatMap { Int($0) }
    var pod = PodRecord(
      namespace: namespace, name: name, uid: UUID().uuidString.lowercased(), metadata: metadata, spec: spec,
      resourceVersion: nextVersion(), creationTimestamp: KubeTime.now(),
      containers: (spec["containers"]?.array ?? []).map { container in
        let image = container["image"]?.string ?? ""
        return ContainerRecord(
          name: container["name"]?.string ?? "", image: image, memoryBytes: memory ?? Self.defaultMemoryBytes,
          baseImage: ImageReference(image).normalized, baseImageName: ImageReference(image).normalized,
          baseImageRef: ImageReference.syntheticID(for: image))
      })
    if pod.nodeName == nil || pod.nodeName == "" {
      schedule(&pod)
    } else {
      pod.scheduled = (true, nil, nil)
    }
    pods.append(pod)
    return pod
  }

  /// Picks a Ready, schedulable node matching `nodeSelector`, like a very small scheduler.
  private mutating func schedule(_ pod: inout PodRecord) {
    let selector = pod.spec["nodeSelector"]?.stringMap ?? [:]
    let candidates = nodes.filter { node in
      node.ready && !node.unschedulable && selector.allSatisfy { node.labels[$0.key] == $0.value }
    }
    guard
      let node = candidates.min(by: { left, right in
        pods.filter { $0.nodeName == left.name }.count < pods.filter { $0.nodeName == right.name }.count
      })
    else {
      let message =
        "0/\(nodes.count) nodes are available: \(nodes.count) node(s) didn't match Pod's node affinity/selector or were not ready. preemption: not eligible due to preemption policy."
      pod.scheduled = (false, "Unschedulable", message)
      recordEvent(
        pod: pod, container: nil, type: "Warning", reason: "FailedScheduling", message: message,
        component: "default-scheduler", host: nil)
      return
    }
    pod.spec["nodeName"] = .string(node.name)
    pod.scheduled = (true, nil, nil)
    recordEvent(
      pod: pod, container: nil, type: "Normal", reason: "Scheduled",
      message: "Successfully assigned \(pod.namespace)/\(pod.name) to \(node.name)", component: "default-scheduler",
      host: nil)
  }

  /// Binds an unscheduled pod (the `binding` subresource).
  mutating func bind(namespace: String, name: String, node: String) throws(APIStatus) -> PodRecord {
    guard let index = podIndex(namespace, name) else { throw APIStatus.notFound("pods", name) }
    if let current = pods[index].nodeName, !current.isEmpty {
      throw APIStatus(
        code: 409, reason: "Conflict", message: "pod \(name) is already assigned to node \"\(current)\"", name: name,
        kind: "pods")
    }
    pods[index].spec["nodeName"] = .string(node)
    pods[index].scheduled = (true, nil, nil)
    pods[index].resourceVersion = nextVersion()
    return pods[index]
  }

  /// Adds a pod that is already running on its node (scenario and admin seeds).
  mutating func seedPod(_ seed: Scenario.Pod) throws -> PodRecord {
    guard let nodeIndex = nodeIndex(seed.node) else { throw EmulatorError("pod \(seed.name): no node \(seed.node)") }
    let namespace = seed.namespace ?? "default"
    var spec: JSONValue = [
      "nodeName": .string(seed.node),
      "containers": .array(
        seed.containers.map { container in
          var json: JSONValue = ["name": .string(container.name), "image": .string(container.image)]
          if let command = container.command { json["command"] = .array(command.map { .string($0) }) }
          if let requests = container.requests { json["resources"] = ["requests": .strings(requests)] }
          if let ports = container.ports {
            json["ports"] = .array(
              ports.map { port in
                var json: JSONValue = ["containerPort": .int(Int64(port.containerPort)), "protocol": "TCP"]
                if let name = port.name { json["name"] = .string(name) }
                return json
              })
          }
          if let mounts = container.volumeMounts {
            json["volumeMounts"] = .array(
              mounts.map { mount in
                var json: JSONValue = ["name": .string(mount.name), "mountPath": .string(mount.mountPath)]
                if let readOnly = mount.readOnly { json["readOnly"] = .bool(readOnly) }
                return json
              })
          }
          return json
        }),
    ]
    if let volumes = seed.volumes { spec["volumes"] = volumes }
    if let account = seed.serviceAccountName { spec["serviceAccountName"] = .string(account) }
    if let automount = seed.automountServiceAccountToken { spec["automountServiceAccountToken"] = .bool(automount) }
    var metadata: JSONValue = ["name": .string(seed.name)]
    if let labels = seed.labels { metadata["labels"] = .strings(labels) }
    if let annotations = seed.annotations { metadata["annotations"] = .strings(annotations) }
    if let owners = seed.ownerReferences { metadata["ownerReferences"] = owners }
    let created: PodRecord
    do {
      created = try createPod(namespace: namespace, body: ["metadata": metadata, "spec": spec])
    } catch {
      throw EmulatorError("pod \(namespace)/\(seed.name): \(error.message)")
    }
    guard let index = podIndex(namespace, created.name) else { return created }
    let now = KubeTime.now()
    if let uid = seed.uid { pods[index].uid = uid }
    pods[index].podIP = seed.podIP ?? nextPodIP()
    pods[index].startTime = now
    pods[index].initialized = true
    pods[index].phase = "Running"
    pods[index].readyOverride = seed.ready
    for containerIndex in pods[index].containers.indices {
      let image = pods[index].containers[containerIndex].image
      if nodes[nodeIndex].image(matching: image) == nil {
        nodes[nodeIndex].addImage(
          NodeImage(
            names: [ImageReference(image).normalized], id: ImageReference.syntheticID(for: image),
            sizeBytes: 50_000_000))
      }
      let local = nodes[nodeIndex].image(matching: image)!
      pods[index].containers[containerIndex].use(local)
      pods[index].containers[containerIndex].memoryBytes = seed.memoryBytes ?? Self.defaultMemoryBytes
      pods[index].containers[containerIndex].start(at: now)
    }
    pods[index].resourceVersion = nextVersion()
    return pods[index]
  }

  /// Removes a pod and returns it as the API server answers a DELETE.
  mutating func deletePod(namespace: String, name: String, options: JSONValue?) throws(APIStatus) -> JSONValue {
    guard let index = podIndex(namespace, name) else { throw APIStatus.notFound("pods", name) }
    let pod = pods[index]
    if let uid = options?["preconditions"]?["uid"]?.string, uid != pod.uid {
      throw APIStatus(
        code: 409, reason: "Conflict",
        message:
          "Operation cannot be fulfilled on pods \"\(name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(pod.uid)",
        name: name, kind: "pods")
    }
    let grace = options?["gracePeriodSeconds"]?.int ?? pod.spec["terminationGracePeriodSeconds"]?.int ?? 30
    var json = pod.json()
    let now = KubeTime.now()
    json["metadata"]?["deletionTimestamp"] = .string(KubeTime.utc(now + Int(grace)))
    json["metadata"]?["deletionGracePeriodSeconds"] = .int(grace)
    json["metadata"]?["resourceVersion"] = .string(String(nextVersion()))
    pods.remove(at: index)
    deletedPods.append([
      "namespace": .string(namespace), "name": .string(name), "uid": .string(pod.uid),
      "node": pod.nodeName.map { .string($0) } ?? nil, "deletedAt": .string(KubeTime.utc(now)),
    ])
    return json
  }

  /// Applies `change` to the pod if it still exists with `uid`; bumps its resourceVersion.
  @discardableResult
  mutating func updatePod(namespace: String, name: String, uid: String, _ change: (inout PodRecord) -> Void) -> Bool {
    guard let index = podIndex(namespace, name), pods[index].uid == uid else { return false }
    change(&pods[index])
    pods[index].resourceVersion = nextVersion()
    return true
  }

  // MARK: Events

  /// Records an event about `pod`, folding repeats into `count` like the kubelet's correlator.
  mutating func recordEvent(
    pod: PodRecord, container: String?, type: String, reason: String, message: String, component: String = "kubelet",
    host: String?
  ) {
    let fieldPath = container.map { "spec.containers{\($0)}" }
    let now = KubeTime.now()
    if let index = events.firstIndex(where: {
      $0.podUID == pod.uid && $0.reason == reason && $0.message == message && $0.fieldPath == fieldPath
    }) {
      events[index].count += 1
      events[index].lastTimestamp = now
      events[index].resourceVersion = nextVersion()
      return
    }
    let suffix = String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
    events.append(
      EventRecord(
        namespace: pod.namespace, name: pod.name + "." + suffix, uid: UUID().uuidString.lowercased(),
        podName: pod.name, podUID: pod.uid, fieldPath: fieldPath, reason: reason, message: message, type: type,
        component: component, host: host, firstTimestamp: now, lastTimestamp: now, count: 1,
        resourceVersion: nextVersion()))
  }

  // MARK: Faults and counters

  mutating func count(_ operation: Operation) {
    requests[operation.rawValue, default: 0] += 1
  }

  /// Consumes one use of the first fault matching the request.
  mutating func takeFault(_ operation: Operation, name: String?) -> Fault.Effect? {
    guard
      let index = faults.firstIndex(where: {
        $0.operation == operation && ($0.name == nil || $0.name == name) && ($0.count ?? 1) > 0
      })
    else { return nil }
    let fault = faults[index]
    faults[index].count = (fault.count ?? 1) - 1
    if faults[index].count == 0 { faults.remove(at: index) }
    return Fault.Effect(stallMilliseconds: fault.stallMilliseconds ?? 0, failure: fault.failing ? fault : nil)
  }

  // MARK: Tokens

  func identity(bearer token: String?) -> Scenario.Token? {
    guard let token else { return nil }
    // Compare digests so the comparison takes the same time whatever the lengths.
    let given = SHA256.hash(Array(token.utf8))
    return tokens.first { ConstantTime.equals(SHA256.hash(Array($0.token.utf8)), given) }
  }
}

extension Scenario.Token {
  var userName: String { user ?? "system:serviceaccount:default:\(name)" }

  func allows(_ verb: String, _ resource: String) -> Bool {
    !(deny ?? []).contains("\(verb) \(resource)")
  }
}

extension ContainerRecord {
  /// Runs from `image` (a node image): sets imageID and the base-image facts for archives.
  mutating func use(_ image: NodeImage) {
    let reference = ImageReference(self.image)
    let digestName = image.names.first { $0.contains("@sha256:") }
    imageID = digestName ?? reference.name + "@sha256:" + image.id
    baseImage = reference.normalized
    baseImageName = image.names.first { !$0.contains("@") } ?? reference.normalized
    baseImageRef = image.id
  }

  mutating func start(at time: Int) {
    containerID = "cri-o://" + SHA256.hexDigest(Array((UUID().uuidString + name).utf8))
    state = .running(startedAt: time)
    ready = true
  }
}
