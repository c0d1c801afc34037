/// What the runtime has done with one container of a pod.
struct ContainerRecord: Sendable {
  enum State: Sendable {
    case waiting(reason: String, message: String?)
    case running(startedAt: Int)
  }

  var name: String
  /// The image from the pod spec.
  var image: String
  var imageID: String = ""
  var containerID: String?
  var state: State = .waiting(reason: "ContainerCreating", message: nil)
  var ready = false
  /// Restored from a checkpoint image (admin state only; Kubernetes does not show it).
  var restored = false
  /// `repo@sha256:…` of the checkpoint image restored from.
  var restoredFrom: String?
  /// Size of `checkpoint/pages-1.img` in this container's archives.
  var memoryBytes: Int
  /// The base image recorded in this container's archives (`config.dump`).
  var baseImage: String
  var baseImageName: String
  var baseImageRef: String

  var running: Bool {
    if case .running = state { return true }
    return false
  }

  func json() -> JSONValue {
    var status: JSONValue = [
      "name": .string(name), "image": .string(image), "imageID": .string(imageID), "ready": .bool(ready),
      "restartCount": 0, "started": .bool(running), "lastState": [:],
    ]
    if let containerID { status["containerID"] = .string(containerID) }
    switch state {
    case .waiting(let reason, let message):
      var waiting: JSONValue = ["reason": .string(reason)]
      if let message { waiting["message"] = .string(message) }
      status["state"] = ["waiting": waiting]
    case .running(let startedAt):
      status["state"] = ["running": ["startedAt": .string(KubeTime.utc(startedAt))]]
    }
    return status
  }
}

/// A pod: the stored object (metadata and spec as sent, defaulted) plus the status the
/// emulated kubelet maintains.
struct PodRecord: Sendable {
  var namespace: String
  var name: String
  var uid: String
  /// `metadata` as stored (labels, annotations, ownerReferences, generateName, …).
  var metadata: JSONValue
  /// `spec` as stored, defaulted.
  var spec: JSONValue
  var resourceVersion: Int
  var creationTimestamp: Int
  var phase = "Pending"
  var podIP: String?
  var startTime: Int?
  var scheduled: (status: Bool, reason: String?, message: String?)?
  var initialized = false
  var containers: [ContainerRecord]
  /// Seed pods may be running but not ready.
  var readyOverride: Bool?

  var key: String { namespace + "/" + name }
  var nodeName: String? { spec["nodeName"]?.string }
  var labels: [String: String] { metadata["labels"]?.stringMap ?? [:] }
  var ready: Bool { !containers.isEmpty && containers.allSatisfy(\.ready) && (readyOverride ?? true) }

  /// The v1 Pod object.
  func json(listItem: Bool = false) -> JSONValue {
    var meta = metadata
    meta["name"] = .string(name)
    meta["namespace"] = .string(namespace)
    meta["uid"] = .string(uid)
    meta["resourceVersion"] = .string(String(resourceVersion))
    meta["creationTimestamp"] = .string(KubeTime.utc(creationTimestamp))
    var status: JSONValue = ["phase": .string(phase), "qosClass": "BestEffort"]
    var conditions: [JSONValue] = []
    func condition(_ type: String, _ value: Bool, reason: String? = nil, message: String? = nil) -> JSONValue {
      var condition: JSONValue = [
        "type": .string(type), "status": value ? "True" : "False", "lastProbeTime": nil,
        "lastTransitionTime": .string(KubeTime.utc(startTime ?? creationTimestamp)),
      ]
      if let reason { condition["reason"] = .string(reason) }
      if let message { condition["message"] = .string(message) }
      return condition
    }
    if startTime != nil {
      conditions.append(condition("PodReadyToStartContainers", podIP != nil))
      conditions.append(condition("Initialized", initialized))
      let notReady = containers.filter { !$0.ready }.map(\.name)
      let reason = notReady.isEmpty ? nil : "ContainersNotReady"
      let message = notReady.isEmpty ? nil : "containers with unready status: [\(notReady.joined(separator: " "))]"
      conditions.append(condition("Ready", ready, reason: reason, message: message))
      conditions.append(condition("ContainersReady", ready, reason: reason, message: message))
    }
    if let scheduled {
      conditions.append(condition("PodScheduled", scheduled.status, reason: scheduled.reason, message: scheduled.message))
    }
    if !conditions.isEmpty { status["conditions"] = .array(conditions) }
    if startTime != nil {
      status["hostIP"] = "127.0.0.1"
      status["hostIPs"] = [["ip": "127.0.0.1"]]
      status["containerStatuses"] = .array(containers.map { $0.json() })
    }
    if let startTime { status["startTime"] = .string(KubeTime.utc(startTime)) }
    if let podIP {
      status["podIP"] = .string(podIP)
      status["podIPs"] = [["ip": .string(podIP)]]
    }
    var pod: JSONValue = ["metadata": meta, "spec": spec, "status": status]
    if !listItem {
      pod["kind"] = "Pod"
      pod["apiVersion"] = "v1"
    }
    return pod
  }
}

/// A core/v1 Event.
struct EventRecord: Sendable {
  var namespace: String
  var name: String
  var uid: String
  var podName: String
  var podUID: String
  var fieldPath: String?
  var reason: String
  var message: String
  var type: String
  var component: String
  var host: String?
  var firstTimestamp: Int
  var lastTimestamp: Int
  var count: Int
  var resourceVersion: Int

  func json(listItem: Bool = true) -> JSONValue {
    var involved: JSONValue = [
      "kind": "Pod", "namespace": .string(namespace), "name": .string(podName), "uid": .string(podUID),
      "apiVersion": "v1",
    ]
    if let fieldPath { involved["fieldPath"] = .string(fieldPath) }
    var source: JSONValue = ["component": .string(component)]
    if let host { source["host"] = .string(host) }
    var event: JSONValue = [
      "metadata": [
        "name": .string(name), "namespace": .string(namespace), "uid": .string(uid),
        "resourceVersion": .string(String(resourceVersion)), "creationTimestamp": .string(KubeTime.utc(firstTimestamp)),
      ],
      "involvedObject": involved, "reason": .string(reason), "message": .string(message), "source": source,
      "firstTimestamp": .string(KubeTime.utc(firstTimestamp)), "lastTimestamp": .string(KubeTime.utc(lastTimestamp)),
      "count": .int(Int64(count)), "type": .string(type), "eventTime": nil, "reportingComponent": .string(component),
      "reportingInstance": .string(host ?? ""),
    ]
    if !listItem {
      event["kind"] = "Event"
      event["apiVersion"] = "v1"
    }
    return event
  }
}
