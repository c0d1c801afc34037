import Foundation

extension ClusterState {
  /// The admin view: nodes, pods with restore flags, checkpoints, request counts, faults.
  func snapshot() -> JSONValue {
    [
      "resourceVersion": .int(Int64(resourceVersion)),
      "nodes": .array(
        nodes.map { node in
          [
            "name": .string(node.name), "ready": .bool(node.ready), "unschedulable": .bool(node.unschedulable),
            "runtime": .string(node.runtimeVersion), "kubeletPort": .int(Int64(node.kubeletPort)),
            "checkpointGate": .bool(node.config.checkpointGate ?? true),
            "checkpointDirectory": .string(node.checkpointDirectory),
            "images": .array(
              node.images.map { image in
                [
                  "names": .array(image.names.map { .string($0) }), "id": .string(image.id),
                  "checkpoint": .bool(image.checkpoint != nil),
                ]
              }),
          ]
        }),
      "pods": .array(
        pods.map { pod in
          [
            "namespace": .string(pod.namespace), "name": .string(pod.name), "uid": .string(pod.uid),
            "node": pod.nodeName.map { .string($0) } ?? nil, "phase": .string(pod.phase), "ready": .bool(pod.ready),
            "podIP": pod.podIP.map { .string($0) } ?? nil,
            "containers": .array(
              pod.containers.map { container in
                var json: JSONValue = [
                  "name": .string(container.name), "image": .string(container.image),
                  "running": .bool(container.running), "restored": .bool(container.restored),
                  "restoredFrom": container.restoredFrom.map { .string($0) } ?? nil,
                  "memoryBytes": .int(Int64(container.memoryBytes)), "baseImage": .string(container.baseImage),
                ]
                if case .waiting(let reason, let message) = container.state {
                  json["reason"] = .string(reason)
                  json["message"] = message.map { .string($0) } ?? nil
                }
                return json
              }),
          ]
        }),
      "deletedPods": .array(deletedPods),
      "checkpoints": .array(checkpoints.map(\.json)),
      "requests": .object(requests.mapValues { .int(Int64($0)) }),
      "faults": .array(faults.compactMap { try? JSONValue.parse(Array(JSONValue.encode($0))) }),
    ]
  }
}

extension JSONValue {
  /// Encodes any `Encodable` into JSON bytes.
  static func encode<T: Encodable>(_ value: T) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(value)).map { [UInt8]($0) } ?? []
  }
}
