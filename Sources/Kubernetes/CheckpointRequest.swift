import Core

/// The kubelet's checkpoint call, shared by the direct (`KubeletClient`) and the API-server
/// proxy (`KubernetesClient.checkpointThroughProxy`) routes.
///
/// `POST /checkpoint/{namespace}/{pod}/{container}?timeout=N` answers 200 with exactly
/// `{"items":["<path>"]}`, the archive's path on the node.
struct CheckpointRequest {
  let namespace: String
  let pod: String
  let container: String
  let timeout: Duration

  /// Validates the names, so nothing but a DNS name reaches the URL path.
  init(namespace: String, pod: String, container: String, timeout: Duration) throws(KubernetesError) {
    // A negative timeout makes the kubelet's CRI client fail with a 500; passing one is a bug.
    precondition(timeout >= .zero, "a checkpoint timeout must not be negative")
    try KubernetesClient.validate(namespace, as: .namespace)
    try KubernetesClient.validate(pod, as: .pod)
    try KubernetesClient.validate(container, as: .container)
    self.namespace = namespace
    self.pod = pod
    self.container = container
    self.timeout = timeout
  }

  /// `/checkpoint/{namespace}/{pod}/{container}`.
  var path: String { "/checkpoint/\(namespace)/\(pod)/\(container)" }

  /// `timeout` in whole seconds, rounded up: the kubelet takes only an integer.
  var timeoutSeconds: Int64 {
    let (seconds, attoseconds) = timeout.components
    return attoseconds > 0 ? seconds + 1 : seconds
  }

  /// The query: `timeout=N`.
  var query: [(String, String)] { [("timeout", String(timeoutSeconds))] }

  /// How long the HTTP request may take: the checkpoint's own timeout plus 30 s for the
  /// kubelet to write the archive and answer.
  var requestTimeout: Duration { .seconds(timeoutSeconds) + .seconds(30) }

  /// `items[0]` of the kubelet's answer; the caller validates the path itself.
  static func archivePath(from json: JSONValue, operation: String) throws(KubernetesError) -> String {
    guard let path = json["items"]?.array?.first?.string, !path.isEmpty else {
      throw KubernetesError(
        code: .unexpectedResponse, status: 200,
        message: "the checkpoint response has no archive path in items[0]", operation: operation)
    }
    return path
  }
}
