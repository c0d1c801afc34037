/// Whether a pod may be placed on a node by name, as the scheduler would judge it for the two
/// rules a pinned pod (`spec.nodeName`) bypasses or the kubelet enforces: the pod's
/// `nodeSelector` must match the node's labels, and every `NoSchedule` or `NoExecute` taint of
/// the node must be tolerated. (Affinity expressions are not evaluated.)
public enum SchedulingFit {
  /// Why `pod` does not fit `node`, or nil when it does.
  public static func problem(pod: Pod, node: Node) -> String? {
    let selector = pod.json.value(at: "spec", "nodeSelector")?.stringMap ?? [:]
    let labels = node.labels
    if let (key, value) = selector.sorted(by: { $0.key < $1.key }).first(where: { labels[$0.key] != $0.value }) {
      return "its nodeSelector wants \(key)=\(value), the node has \(labels[key].map { "\(key)=\($0)" } ?? "no \(key) label")"
    }
    let tolerations = pod.json.value(at: "spec", "tolerations")?.array ?? []
    for taint in node.json.value(at: "spec", "taints")?.array ?? [] {
      let effect = taint["effect"]?.string ?? ""
      guard effect == "NoSchedule" || effect == "NoExecute" else { continue }
      let key = taint["key"]?.string ?? ""
      let value = taint["value"]?.string ?? ""
      let tolerated = tolerations.contains { toleration in
        let tolerationEffect = toleration["effect"]?.string ?? ""
        guard tolerationEffect.isEmpty || tolerationEffect == effect else { return false }
        let tolerationKey = toleration["key"]?.string ?? ""
        if toleration["operator"]?.string == "Exists" { return tolerationKey.isEmpty || tolerationKey == key }
        return tolerationKey == key && (toleration["value"]?.string ?? "") == value
      }
      if !tolerated { return "it does not tolerate the taint \(key)\(value.isEmpty ? "" : "=\(value)"):\(effect)" }
    }
    return nil
  }
}
