import Core
import Foundation
import Kubernetes

/// Pods, nodes and jobs as the API server and the store would give them, for stage unit tests.
enum Samples {
  static func job(
    pod: String = "counter", container: String? = nil, target: String = "node-b", policy: SourcePolicy = .delete,
    allowVolumes: Bool = false
  ) -> MigrationJob {
    MigrationJob(
      id: MigrationID("0f8fad5b-d9cb-469f-a165-70867728950e")!, state: .running, stage: .preflight,
      source: PodReference(namespace: "default", pod: pod, container: container), targetNode: target, sourceNode: "node-a",
      sourcePolicy: policy, allowVolumes: allowVolumes, requestedBy: "t", trigger: .api, createdAt: Date(), updatedAt: Date(),
      stages: [])
  }

  static func pod(
    containers: [String] = ["app"], running: Bool = true, phase: String = "Running", owner: String? = nil,
    volumes: [JSONValue] = [], labels: [String: JSONValue] = ["app": "counter"]
  ) -> Pod {
    var metadata: [String: JSONValue] = ["name": "counter", "namespace": "default", "uid": "u-1", "labels": .object(labels)]
    if let owner {
      metadata["ownerReferences"] = [["kind": "ReplicaSet", "name": .string(owner), "uid": "rs-1", "controller": true]]
    }
    let specContainers: [JSONValue] = containers.map { name in
      ["name": .string(name), "image": "busybox", "volumeMounts": [["name": "data", "mountPath": "/data"]]]
    }
    let statuses: [JSONValue] = containers.map { name in
      [
        "name": .string(name), "ready": .bool(running),
        "state": running ? ["running": ["startedAt": "2026-12-03T00:00:00Z"]] : ["waiting": ["reason": "ContainerCreating"]],
      ]
    }
    return Pod(
      json: [
        "metadata": .object(metadata),
        "spec": [
          "nodeName": "node-a", "containers": .array(specContainers), "volumes": .array(volumes),
          "affinity": ["nodeAffinity": [:]], "serviceAccountName": "worker",
        ],
        "status": [
          "phase": .string(phase), "containerStatuses": .array(statuses),
          "conditions": [["type": "Ready", "status": running ? "True" : "False"]],
        ],
      ])
  }

  static func node(
    _ name: String, runtime: String = "cri-o://1.31.3", ready: Bool = true, unschedulable: Bool = false,
    os: String = "linux", arch: String = "amd64"
  ) -> Node {
    Node(
      json: [
        "metadata": ["name": .string(name)],
        "spec": ["unschedulable": .bool(unschedulable)],
        "status": [
          "nodeInfo": [
            "operatingSystem": .string(os), "architecture": .string(arch), "containerRuntimeVersion": .string(runtime),
            "kubeletVersion": "v1.31.3",
          ],
          "conditions": [["type": "Ready", "status": ready ? "True" : "False"]],
        ],
      ])
  }
}
