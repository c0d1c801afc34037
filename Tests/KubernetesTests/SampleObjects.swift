import Kubernetes

/// Objects shaped like what a real API server returns, trimmed to what the tests read.
enum SampleObjects {
  static let pod: JSONValue = [
    "apiVersion": "v1", "kind": "Pod",
    "metadata": [
      "name": "web-7d4b9", "namespace": "shop", "uid": "0b5c7a1e-1111-4c8e-9f00-5a5a5a5a5a5a",
      "labels": ["app": "web", "pod-template-hash": "7d4b9"],
      "annotations": ["podhop.io/source": "node-a"],
      "ownerReferences": [
        ["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9", "uid": "rs-uid", "controller": true]
      ],
    ],
    "spec": [
      "nodeName": "node-a",
      "initContainers": [["name": "setup", "image": "busybox"]],
      "containers": [["name": "app", "image": "nginx:1.27"], ["name": "sidecar", "image": "envoy:1.30"]],
      "volumes": [
        ["name": "data", "persistentVolumeClaim": ["claimName": "web-data"]],
        ["name": "host", "hostPath": ["path": "/srv"]],
        ["name": "scratch", "emptyDir": [:]],
        ["name": "cfg", "configMap": ["name": "web"]],
        ["name": "creds", "secret": ["secretName": "web"]],
        ["name": "kube-api-access-x", "projected": ["sources": []]],
        ["name": "info", "downwardAPI": ["items": []]],
        ["name": "shared", "nfs": ["server": "nfs.local", "path": "/x"]],
      ],
    ],
    "status": [
      "phase": "Running", "podIP": "10.244.1.7",
      "conditions": [["type": "Initialized", "status": "True"], ["type": "Ready", "status": "True"]],
      "containerStatuses": [
        [
          "name": "app", "ready": true, "restartCount": 0, "image": "docker.io/library/nginx:1.27",
          "imageID": "docker.io/library/nginx@sha256:abc", "containerID": "cri-o://0123",
          "state": ["running": ["startedAt": "2026-09-01T10:00:00Z"]],
        ],
        [
          "name": "sidecar", "ready": false, "restartCount": 3, "image": "envoy:1.30", "imageID": "",
          "state": ["waiting": ["reason": "CreateContainerError", "message": "image not known"]],
        ],
      ],
    ],
  ]

  static let node: JSONValue = [
    "apiVersion": "v1", "kind": "Node",
    "metadata": ["name": "node-b", "labels": ["kubernetes.io/arch": "amd64"]],
    "spec": ["unschedulable": true],
    "status": [
      "nodeInfo": [
        "operatingSystem": "linux", "architecture": "amd64", "containerRuntimeVersion": "cri-o://1.31.3",
        "kubeletVersion": "v1.31.2",
      ],
      "conditions": [["type": "MemoryPressure", "status": "False"], ["type": "Ready", "status": "True"]],
      "addresses": [["type": "Hostname", "address": "node-b"], ["type": "InternalIP", "address": "10.0.0.12"]],
      "daemonEndpoints": ["kubeletEndpoint": ["Port": 10250]],
      "allocatable": ["cpu": "3800m", "memory": "15Gi", "pods": "110"],
      "images": [
        ["names": ["docker.io/library/nginx@sha256:abc", "docker.io/library/nginx:1.27"], "sizeBytes": 70_000_000],
        ["names": ["registry.k8s.io/pause:3.10"], "sizeBytes": 300_000],
      ],
    ],
  ]
}
