import Core
import Kubernetes

/// Finds the node agent of a node through the Kubernetes API: a pod in `namespace` matching
/// `selector` with `spec.nodeName` set to the node, Running and Ready, reached at its
/// `status.podIP` on the container port named `agent`.
public struct AgentDiscovery: Sendable {
  /// The container port name the agent's pod must declare.
  public static let portName = "agent"

  let kubernetes: KubernetesClient
  let namespace: String
  let selector: String

  public init(kubernetes: KubernetesClient, namespace: String, selector: String) {
    self.kubernetes = kubernetes
    self.namespace = namespace
    self.selector = selector
  }

  /// `host:port` of the agent on `node` (an IPv6 host in brackets). Throws a retryable
  /// `StageError` when there is none yet (the DaemonSet pod may be starting).
  public func address(of node: String) async throws -> String {
    let pods: [Pod]
    do { pods = try await kubernetes.pods(namespace: namespace, labelSelector: selector) } catch {
      throw StageError.from(error, while: "finding the node agent of \(node) (pods in \(namespace) with \(selector))")
    }
    for pod in pods where pod.nodeName == node && pod.phase == "Running" && pod.isReady && pod.deletionTimestamp == nil {
      guard let ip = pod.podIP, let port = Self.agentPort(pod) else { continue }
      return (ip.contains(":") ? "[\(ip)]" : ip) + ":\(port)"
    }
    throw StageError.retryable(
      "no Running and Ready node agent on node \(node) (pods in namespace \(namespace) matching \(selector), "
        + "with a container port named '\(Self.portName)'): is the podhop-agent DaemonSet scheduled there?")
  }

  static func agentPort(_ pod: Pod) -> Int? {
    for container in pod.json["spec"]?["containers"]?.array ?? [] {
      for port in container["ports"]?.array ?? [] where port["name"]?.string == portName {
        if let number = port["containerPort"]?.int, (1...65535).contains(number) { return number }
      }
    }
    return nil
  }
}
