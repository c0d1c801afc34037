import Foundation

/// What the emulated cluster looks like at start-up: nodes, pods, API tokens, registries.
///
/// Read from a JSON (or YAML) file given to `cluster-emulator --scenario FILE`. Schema; every
/// field except `nodes[].name`, `pods[].name`, `pods[].node` and `pods[].containers` is optional:
///
/// ```json
/// {
///   "stateDirectory": "/tmp/emu",        // PKI, node checkpoint dirs, image caches; default: a new
///                                        // temporary directory, removed by stop()
///   "host": "127.0.0.1",                 // listening address of every port
///   "apiPort": 0, "adminPort": 0,        // 0 = ephemeral
///   "adminToken": "admin-secret",        // admin API needs "Authorization: Bearer …" when set
///   "tokens": [                          // bearer tokens accepted by the API server and kubelets
///     {"name": "podhop", "token": "s3cret",
///      "user": "system:serviceaccount:podhop:podhop",   // default "system:serviceaccount:default:<name>"
///      "deny": ["create nodes/checkpoint"]}             // "verb resource[/subresource]" refused (403)
///   ],
///   "plainHTTPRegistries": ["127.0.0.1:5000"],  // registries the node runtimes pull from (plain HTTP)
///   "nodes": [{
///     "name": "node-a", "os": "linux", "architecture": "amd64",
///     "runtime": "cri-o://1.31.3",       // or "containerd://2.1.4"
///     "kubeletVersion": "v1.31.3", "osImage": "Debian GNU/Linux 12 (bookworm)",
///     "kernelVersion": "6.1.0-28-amd64",
///     "ready": true, "unschedulable": false, "labels": {"zone": "a"},
///     "images": ["docker.io/library/nginx:1.25",
///                {"names": ["docker.io/library/redis:7"], "id": "<64 hex>", "sizeBytes": 1000}],
///     "allowPulls": false,               // any image name not in a configured registry "pulls" fine
///     "checkpointGate": true,            // kubelet feature gate ContainerCheckpoint
///     "criuAvailable": true,             // false: checkpoint fails "checkpoint/restore support not available"
///     "restoreViaCreateEnabled": false,  // containerd 2.2.7+/2.3.4+ enable_experimental_restore_via_create
///     "apiserverKubeletClientForbidden": false,  // proxy path gets the kubeadm ≥ 1.35.5 403
///     "checkpointDirectory": "/tmp/emu/nodes/node-a/checkpoints",  // where archives are written
///     "reportedCheckpointDirectory": "/var/lib/kubelet/checkpoints", // what the kubelet API reports
///     "kubeletPort": 0,
///     "cpu": "4", "memory": "8Gi", "maxPods": 110
///   }],
///   "pods": [{
///     "namespace": "default", "name": "web", "node": "node-a", "uid": "optional",
///     "labels": {"app": "web"}, "annotations": {}, "ownerReferences": [ … ],
///     "serviceAccountName": "default", "automountServiceAccountToken": true,
///     "containers": [{"name": "app", "image": "nginx:1.25", "command": ["nginx"],
///                     "volumeMounts": [{"name": "data", "mountPath": "/data"}],
///                     "requests": {"cpu": "500m", "memory": "1Gi"},
///                     "ports": [{"name": "agent", "containerPort": 9443}]}],
///     "volumes": [{"name": "data", "emptyDir": {}}],
///     "memoryBytes": 4194304,            // size of checkpoint/pages-1.img in this pod's archives
///     "ready": true,
///     "podIP": "127.0.0.1"               // default: the next emulated pod address
///   }]
/// }
/// ```
public struct Scenario: Sendable, Codable {
  /// Directory for generated state; `nil` makes a temporary one that `stop()` removes.
  public var stateDirectory: String?
  /// Listening address of all ports.
  public var host: String?
  /// The API server's HTTPS port (0 = ephemeral).
  public var apiPort: UInt16?
  /// The admin API's plain-HTTP port (0 = ephemeral).
  public var adminPort: UInt16?
  /// Bearer token for the admin API; none means the admin API is open (it listens on loopback).
  public var adminToken: String?
  /// Accepted bearer tokens.
  public var tokens: [Token]
  /// `host:port` of plain-HTTP registries the node runtimes can pull from.
  public var plainHTTPRegistries: [String]
  /// The nodes.
  public var nodes: [Node]
  /// Pods running at start.
  public var pods: [Pod]

  /// A bearer token and what it may not do.
  public struct Token: Sendable, Codable {
    /// A label, used as the kubeconfig user name.
    public var name: String
    /// The secret.
    public var token: String
    /// The user name in 403 messages.
    public var user: String?
    /// Refused permissions as "verb resource[/subresource]", e.g. "create nodes/checkpoint".
    public var deny: [String]?
  }

  /// A node image: names and optional content ID.
  public struct Image: Sendable, Codable {
    /// Image references naming it (tag and/or digest forms).
    public var names: [String]
    /// The image ID (64 hex); derived from the names when absent.
    public var id: String?
    /// Reported size.
    public var sizeBytes: Int64?

    /// Creates an image entry.
    public init(names: [String], id: String? = nil, sizeBytes: Int64? = nil) {
      self.names = names
      self.id = id
      self.sizeBytes = sizeBytes
    }

    /// Decodes a plain name string or an object.
    public init(from decoder: any Decoder) throws {
      if let name = try? decoder.singleValueContainer().decode(String.self) {
        self.init(names: [name])
        return
      }
      let container = try decoder.container(keyedBy: CodingKeys.self)
      self.init(
        names: try container.decode([String].self, forKey: .names),
        id: try container.decodeIfPresent(String.self, forKey: .id),
        sizeBytes: try container.decodeIfPresent(Int64.self, forKey: .sizeBytes))
    }
  }

  /// A node and its kubelet/runtime behaviour.
  public struct Node: Sendable, Codable {
    /// The name.
    public var name: String
    /// `kubernetes.io/os` and `nodeInfo.operatingSystem`; default "linux".
    public var os: String?
    /// `kubernetes.io/arch` and `nodeInfo.architecture`; default "amd64".
    public var architecture: String?
    /// `containerRuntimeVersion`, e.g. "cri-o://1.31.3" or "containerd://2.1.4".
    public var runtime: String?
    /// `nodeInfo.kubeletVersion`; default "v1.31.3".
    public var kubeletVersion: String?
    /// `nodeInfo.osImage`.
    public var osImage: String?
    /// `nodeInfo.kernelVersion`.
    public var kernelVersion: String?
    /// The Ready condition (default true); pods do not start on a NotReady node.
    public var ready: Bool?
    /// `spec.unschedulable` (default false).
    public var unschedulable: Bool?
    /// Extra labels.
    public var labels: [String: String]?
    /// Images already on the node.
    public var images: [Image]?
    /// Any image outside the configured registries pulls successfully.
    public var allowPulls: Bool?
    /// The kubelet feature gate `ContainerCheckpoint` (default true).
    public var checkpointGate: Bool?
    /// False makes checkpoints fail with "checkpoint/restore support not available".
    public var criuAvailable: Bool?
    /// containerd 2.2.7+/2.3.4+ `enable_experimental_restore_via_create`.
    public var restoreViaCreateEnabled: Bool?
    /// The proxy path gets the kubelet 403 for `kube-apiserver-kubelet-client`.
    public var apiserverKubeletClientForbidden: Bool?
    /// Where archives are written; default `<stateDirectory>/nodes/<name>/checkpoints`.
    public var checkpointDirectory: String?
    /// The directory the kubelet API reports; default `/var/lib/kubelet/checkpoints`.
    public var reportedCheckpointDirectory: String?
    /// The kubelet HTTPS port (0 or absent: ephemeral).
    public var kubeletPort: UInt16?
    /// Capacity and allocatable CPU.
    public var cpu: String?
    /// Capacity and allocatable memory, e.g. "8Gi".
    public var memory: String?
    /// Capacity and allocatable pods.
    public var maxPods: Int?
  }

  /// A container of a seed pod.
  public struct Container: Sendable, Codable {
    /// The name.
    public var name: String
    /// The image reference.
    public var image: String
    /// `command` of the container.
    public var command: [String]?
    /// Volume mounts.
    public var volumeMounts: [VolumeMount]?
    /// `resources.requests`, e.g. `{"cpu": "500m", "memory": "1Gi"}`.
    public var requests: [String: String]?
    /// Container ports, `{"name": "agent", "containerPort": 9443}` (a node agent's pod).
    public var ports: [Port]?
  }

  /// A container port of a seed container.
  public struct Port: Sendable, Codable {
    /// The port's name, e.g. `agent`.
    public var name: String?
    /// The port number.
    public var containerPort: Int
  }

  /// A volume mount of a seed container.
  public struct VolumeMount: Sendable, Codable {
    /// The name.
    public var name: String
    /// Where the volume is mounted.
    public var mountPath: String
    /// Mounted read-only.
    public var readOnly: Bool?
  }

  /// A pod present at start (or added through the admin API), already running on `node`.
  public struct Pod: Sendable, Codable {
    /// Namespace; default "default".
    public var namespace: String?
    /// The name.
    public var name: String
    /// The node it runs on.
    public var node: String
    /// `metadata.uid`; generated when absent.
    public var uid: String?
    /// `metadata.labels`.
    public var labels: [String: String]?
    /// `metadata.annotations`.
    public var annotations: [String: String]?
    /// `metadata.ownerReferences`, raw.
    public var ownerReferences: JSONValue?
    /// `spec.serviceAccountName`; default "default".
    public var serviceAccountName: String?
    /// False keeps the service-account token volume out.
    public var automountServiceAccountToken: Bool?
    /// The containers.
    public var containers: [Container]
    /// `spec.volumes`, raw Kubernetes volume objects.
    public var volumes: JSONValue?
    /// Size of `checkpoint/pages-1.img` in its archives; default 4 MiB.
    public var memoryBytes: Int?
    /// False: running but not Ready.
    public var ready: Bool?
    /// `status.podIP`; default the next address of the emulated pod network. A node agent's pod
    /// in tests sets 127.0.0.1, where the real agent process listens.
    public var podIP: String?
  }

  /// An empty cluster.
  public init() {
    tokens = []
    plainHTTPRegistries = []
    nodes = []
    pods = []
  }

  /// Decodes a scenario; absent lists are empty.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    stateDirectory = try container.decodeIfPresent(String.self, forKey: .stateDirectory)
    host = try container.decodeIfPresent(String.self, forKey: .host)
    apiPort = try container.decodeIfPresent(UInt16.self, forKey: .apiPort)
    adminPort = try container.decodeIfPresent(UInt16.self, forKey: .adminPort)
    adminToken = try container.decodeIfPresent(String.self, forKey: .adminToken)
    tokens = try container.decodeIfPresent([Token].self, forKey: .tokens) ?? []
    plainHTTPRegistries = try container.decodeIfPresent([String].self, forKey: .plainHTTPRegistries) ?? []
    nodes = try container.decodeIfPresent([Node].self, forKey: .nodes) ?? []
    pods = try container.decodeIfPresent([Pod].self, forKey: .pods) ?? []
  }

  /// Parses a scenario from JSON, or YAML when the text is not JSON.
  public init(data bytes: [UInt8]) throws {
    let value: JSONValue
    do {
      value = try JSONValue.parse(bytes)
    } catch {
      value = try JSONValue.parseYAML(bytes)
    }
    do {
      self = try JSONDecoder().decode(Scenario.self, from: Data(value.encoded()))
    } catch {
      throw EmulatorError("invalid scenario: \(error)")
    }
  }

  /// Reads a scenario file.
  public init(contentsOf path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EmulatorError("cannot read scenario file \(path)")
    }
    try self.init(data: [UInt8](data))
  }
}
