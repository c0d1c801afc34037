import Core
import Kubernetes

/// Builds the pod that restores the checkpoint on the target node from the source pod as
/// pre-flight stored it (kubernetes-checkpoint.md §8): the checkpoint image by digest, every
/// volume and volume mount (CRI-O refuses a restore that lacks a checkpointed bind mount), the
/// service account, security context, resources and tolerations; pinned to the target node by
/// name, with a name derived from the job so that a retry finds the pod it created.
struct RestorePodBuilder {
  static let migrationLabel = "podhop.io/migration"

  let job: MigrationJob
  let sourcePod: JSONValue
  let container: String
  let image: String
  let pullSecret: String?

  /// The restore pod's name: the source pod's name (shortened) and the job id's first 8 characters.
  static func name(for job: MigrationJob) -> String {
    var prefix = String(job.source.pod.prefix(46))
    while let last = prefix.last, last == "-" || last == "." { prefix.removeLast() }
    return "\(prefix)-hop-\(job.id.rawValue.prefix(8))"
  }

  func build() -> JSONValue {
    let sourceMetadata = sourcePod["metadata"] ?? .object([:])
    let owned = !(sourceMetadata["ownerReferences"]?.array ?? []).isEmpty
    // An owned pod's labels would let its controller adopt (and possibly delete) the restored pod.
    var labels = owned ? [:] : (sourceMetadata["labels"]?.object ?? [:])
    labels[Self.migrationLabel] = .string(job.id.rawValue)
    let annotations: [String: JSONValue] = [
      "podhop.io/source-pod": .string("\(job.source.namespace)/\(job.source.pod)"),
      "podhop.io/source-node": .string(job.sourceNode ?? ""),
      "podhop.io/checkpoint-image": .string(image),
    ]
    var spec = sourcePod["spec"]?.object ?? [:]
    for field in ["nodeName", "nodeSelector", "affinity", "initContainers", "ephemeralContainers", "schedulingGates"] {
      spec[field] = nil  // pinned by nodeName; init containers already ran in the checkpointed process
    }
    spec["nodeName"] = .string(job.targetNode)
    let original =
      (spec["containers"]?.array ?? []).first { $0["name"]?.string == container } ?? .object(["name": .string(container)])
    var restored = original
    restored["image"] = .string(image)
    restored["imagePullPolicy"] = .string("IfNotPresent")
    spec["containers"] = .array([restored])
    if let pullSecret {
      var secrets = spec["imagePullSecrets"]?.array ?? []
      if !secrets.contains(where: { $0["name"]?.string == pullSecret }) { secrets.append(.object(["name": .string(pullSecret)])) }
      spec["imagePullSecrets"] = .array(secrets)
    }
    return .object([
      "apiVersion": .string("v1"),
      "kind": .string("Pod"),
      "metadata": .object([
        "name": .string(Self.name(for: job)),
        "namespace": .string(job.source.namespace),
        "labels": .object(labels),
        "annotations": .object(annotations),
      ]),
      "spec": .object(spec),
    ])
  }
}
