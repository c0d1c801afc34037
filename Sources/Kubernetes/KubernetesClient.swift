import Core
import HTTPClient

/// A client for the Kubernetes API server: raw JSON access plus the typed calls podhop needs.
///
/// Each call is one HTTP request with the configured timeout; nothing is retried here (the
/// caller decides, using `KubernetesError.isRetryable` and `retryAfter`). Requests run on
/// `HTTPClient`'s own threads, never blocking Swift's cooperative pool.
public final class KubernetesClient: Sendable {
  /// The access this client was made with.
  public let access: ClusterAccess
  let transport: KubernetesTransport
  let requestTimeout: Duration

  /// Creates a client; nothing is sent until the first call.
  ///
  /// - Parameter requestTimeout: the limit for each request, connect to last byte (the
  ///   checkpoint call sets its own).
  public init(access: ClusterAccess, requestTimeout: Duration = .seconds(30)) {
    self.access = access
    self.transport = KubernetesTransport(baseURL: access.server, tls: access.tls, token: access.bearerToken)
    self.requestTimeout = requestTimeout
  }

  /// `GET path?query`, expecting 200 with a JSON body.
  ///
  /// - Parameters:
  ///   - path: an already-encoded API path such as `/api/v1/namespaces/default/pods/web`; it
  ///     must start with `/` (a precondition, as for `create` and `delete`).
  ///   - query: arguments, percent-encoded here (`labelSelector`, `fieldSelector`, ...).
  public func get(_ path: String, query: [(String, String)] = []) async throws(KubernetesError) -> JSONValue {
    try await transport.json("GET", path, query: query, timeout: requestTimeout)
  }

  /// `POST path` with `body`, expecting 201 (or 200/202), and returns the created object.
  ///
  /// A name clash is `.alreadyExists`: check the existing object is ours, then go on.
  public func create(_ path: String, _ body: JSONValue) async throws(KubernetesError) -> JSONValue {
    try await transport.json("POST", path, body: body, timeout: requestTimeout, accepted: [200, 201, 202])
  }

  /// `DELETE path`, expecting 200 or 202; returns the object (now terminating) or a `Status`.
  public func delete(_ path: String) async throws(KubernetesError) -> JSONValue {
    try await transport.json("DELETE", path, timeout: requestTimeout, accepted: [200, 202])
  }

  /// Asks the node's kubelet, through the API server's node proxy, to checkpoint a container;
  /// returns the archive's path on that node.
  ///
  /// `POST /api/v1/nodes/{node}/proxy/checkpoint/{namespace}/{pod}/{container}?timeout=N`,
  /// with N the whole seconds of `timeout` rounded up and the HTTP request limited to
  /// `timeout` + 30 s. The kubelet raises a timeout below its `runtimeRequestTimeout`
  /// (2 minutes by default) to that value, so pass at least that much.
  ///
  /// The caller needs `create` on `nodes/proxy`, and the API server's kubelet-client identity
  /// needs `create` on `nodes/checkpoint`. Errors keep the kubelet's plain-text body in
  /// `message`: `404 page not found` (the `ContainerCheckpoint` feature gate is off),
  /// `pod does not exist`, `container X does not exist`, and 500s with the runtime's reason.
  /// The returned path is `items[0]` of the answer and is not validated here.
  public func checkpointThroughProxy(
    node: String, namespace: String, pod: String, container: String, timeout: Duration
  ) async throws(KubernetesError) -> String {
    try Self.validate(node, as: .node)
    let checkpoint = try CheckpointRequest(namespace: namespace, pod: pod, container: container, timeout: timeout)
    let path = "/api/v1/nodes/\(node)/proxy" + checkpoint.path
    let json = try await transport.json(
      "POST", path, query: checkpoint.query, timeout: checkpoint.requestTimeout)
    return try CheckpointRequest.archivePath(from: json, operation: "POST \(path)")
  }
}

extension KubernetesClient {
  /// The kinds of names that go into URL paths, with their Kubernetes syntax.
  enum NameKind: String {
    case namespace, pod, container, node

    var isLabel: Bool { self == .namespace || self == .container }
  }

  /// Throws `.invalid` (without a status: nothing was sent) unless `name` is valid for `kind`,
  /// so that no name can change the URL path it is put into.
  static func validate(_ name: String, as kind: NameKind) throws(KubernetesError) {
    let problem = kind.isLabel ? KubernetesName.labelProblem(name) : KubernetesName.subdomainProblem(name)
    if let problem {
      throw KubernetesError(code: .invalid, message: "\(kind.rawValue) name '\(name)' is not valid: \(problem)")
    }
  }
}
