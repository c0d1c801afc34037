/// A read-only view of a Pod with the fields podhop needs; `json` holds the whole object.
///
/// Missing fields read as empty (`""`, `[]`, `[:]`) or `nil`; nothing is validated.
public struct Pod: Sendable {
  /// The whole object as the server returned it.
  public let json: JSONValue

  /// Wraps a Pod object.
  public init(json: JSONValue) { self.json = json }

  /// `metadata.name`.
  public var name: String { json.value(at: "metadata", "name")?.string ?? "" }
  /// `metadata.namespace`.
  public var namespace: String { json.value(at: "metadata", "namespace")?.string ?? "" }
  /// `metadata.uid`.
  public var uid: String { json.value(at: "metadata", "uid")?.string ?? "" }
  /// `metadata.labels`.
  public var labels: [String: String] { json.value(at: "metadata", "labels")?.stringMap ?? [:] }
  /// `metadata.annotations`.
  public var annotations: [String: String] { json.value(at: "metadata", "annotations")?.stringMap ?? [:] }
  /// `metadata.deletionTimestamp`: set once the pod is terminating.
  public var deletionTimestamp: String? { json.value(at: "metadata", "deletionTimestamp")?.string }
  /// `metadata.ownerReferences`, in order.
  public var ownerReferences: [OwnerReference] {
    (json.value(at: "metadata", "ownerReferences")?.array ?? []).map(OwnerReference.init(json:))
  }
  /// `spec.nodeName`: where the pod is scheduled, `nil` before scheduling.
  public var nodeName: String? { json.value(at: "spec", "nodeName")?.string.flatMap { $0.isEmpty ? nil : $0 } }
  /// `status.phase`: `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
  public var phase: String? { json.value(at: "status", "phase")?.string }
  /// `status.podIP`.
  public var podIP: String? { json.value(at: "status", "podIP")?.string }
  /// The names of `spec.containers`, in order.
  public var containerNames: [String] { names(of: "containers") }
  /// The names of `spec.initContainers`, in order.
  public var initContainerNames: [String] { names(of: "initContainers") }
  /// `spec.volumes`, in order.
  public var volumes: [Volume] { (json.value(at: "spec", "volumes")?.array ?? []).map(Volume.init(json:)) }
  /// Whether the `Ready` condition is `True`.
  public var isReady: Bool { json.value(at: "status", "conditions")?.hasTrueCondition("Ready") ?? false }

  /// The sum of the containers' `resources.requests` for `resource` (`cpu` in millicores,
  /// `memory` in bytes); 0 when none is set, as the scheduler counts it.
  public func requested(_ resource: String) -> Int64 {
    (json.value(at: "spec", "containers")?.array ?? []).reduce(0) { sum, container in
      guard let text = container.value(at: "resources", "requests", resource)?.string else { return sum }
      return sum + ((resource == "cpu" ? ResourceQuantity.milli(text) : ResourceQuantity.whole(text)) ?? 0)
    }
  }
  /// `status.containerStatuses` (regular containers only), in the server's order.
  public var containerStatuses: [ContainerStatus] {
    (json.value(at: "status", "containerStatuses")?.array ?? []).map(ContainerStatus.init(json:))
  }

  private func names(of list: String) -> [String] {
    (json.value(at: "spec", list)?.array ?? []).compactMap { $0["name"]?.string }
  }

  /// One entry of `metadata.ownerReferences`.
  public struct OwnerReference: Sendable, Equatable {
    /// `kind`, such as `ReplicaSet`.
    public let kind: String
    /// `name`.
    public let name: String
    /// `uid`.
    public let uid: String
    /// Whether `controller` is true: this owner manages the pod.
    public let isController: Bool

    init(json: JSONValue) {
      kind = json["kind"]?.string ?? ""
      name = json["name"]?.string ?? ""
      uid = json["uid"]?.string ?? ""
      isController = json["controller"]?.bool ?? false
    }
  }

  /// One entry of `spec.volumes`.
  public struct Volume: Sendable, Equatable {
    /// What backs a volume: the volume source member that is set.
    public enum Kind: Sendable, Equatable {
      /// `persistentVolumeClaim`.
      case persistentVolumeClaim
      /// `hostPath`.
      case hostPath
      /// `emptyDir`.
      case emptyDir
      /// `configMap`.
      case configMap
      /// `secret`.
      case secret
      /// `projected` (the service-account token volume, among others).
      case projected
      /// `downwardAPI`.
      case downwardAPI
      /// Any other source, by its member name (`nfs`, `csi`, `ephemeral`, ...); empty if none.
      case other(String)

      /// The member name in the volume object.
      public var name: String {
        switch self {
        case .persistentVolumeClaim: "persistentVolumeClaim"
        case .hostPath: "hostPath"
        case .emptyDir: "emptyDir"
        case .configMap: "configMap"
        case .secret: "secret"
        case .projected: "projected"
        case .downwardAPI: "downwardAPI"
        case .other(let name): name
        }
      }

      static let known: [Kind] = [
        .persistentVolumeClaim, .hostPath, .emptyDir, .configMap, .secret, .projected, .downwardAPI,
      ]
    }

    /// `name`.
    public let name: String
    /// The volume source.
    public let kind: Kind
    /// The whole volume object.
    public let json: JSONValue

    init(json: JSONValue) {
      self.json = json
      name = json["name"]?.string ?? ""
      let members = (json.object ?? [:]).keys.filter { $0 != "name" }
      if let known = Kind.known.first(where: { members.contains($0.name) }) {
        kind = known
      } else {
        kind = .other(members.sorted().first ?? "")
      }
    }
  }

  /// One entry of `status.containerStatuses`.
  public struct ContainerStatus: Sendable, Equatable {
    /// `name`.
    public let name: String
    /// `ready`.
    public let ready: Bool
    /// Whether `state.running` is set.
    public let running: Bool
    /// `state.waiting.reason`, such as `CreateContainerError` or `ImagePullBackOff`.
    public let waitingReason: String?
    /// `state.waiting.message`: for restore failures, the runtime's text.
    public let waitingMessage: String?
    /// `state.terminated.reason`.
    public let terminatedReason: String?
    /// `state.terminated.message`.
    public let terminatedMessage: String?
    /// `restartCount`.
    public let restartCount: Int
    /// `image`.
    public let image: String
    /// `imageID`.
    public let imageID: String
    /// `containerID`, such as `cri-o://0123…`; `nil` before the container exists.
    public let containerID: String?

    init(json: JSONValue) {
      name = json["name"]?.string ?? ""
      ready = json["ready"]?.bool ?? false
      running = json.value(at: "state", "running")?.object != nil
      waitingReason = json.value(at: "state", "waiting", "reason")?.string
      waitingMessage = json.value(at: "state", "waiting", "message")?.string
      terminatedReason = json.value(at: "state", "terminated", "reason")?.string
      terminatedMessage = json.value(at: "state", "terminated", "message")?.string
      restartCount = json["restartCount"]?.int ?? 0
      image = json["image"]?.string ?? ""
      imageID = json["imageID"]?.string ?? ""
      containerID = json["containerID"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    }
  }
}
