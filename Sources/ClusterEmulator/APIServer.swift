import HTTPServer

/// The kube-apiserver subset: nodes, pods, events, the binding subresource and the node proxy
/// to kubelets, with bearer-token authentication, RBAC-style denials and `Status` errors.
struct APIServer: Sendable {
  let store: ClusterStore
  let kubelet: KubeletAPI
  /// Starts the emulated kubelet/runtime for a pod that has just been bound to a node.
  let startPod: @Sendable (PodRecord) -> Void

  func handle(_ request: HTTPRequest) async -> HTTPResponse {
    let segments = request.path.split(separator: "/").map(String.init)
    if ["healthz", "livez", "readyz"].contains(segments.first ?? ""), segments.count == 1 {
      return KubeletAPI.text(200, "ok")
    }
    let bearer = Self.bearer(request)
    guard let token = store.with({ $0.identity(bearer: bearer) }) else { return APIStatus.unauthorized.response }
    do {
      return try await route(request, segments: segments, token: token)
    } catch {
      return error.responseOrRaw
    }
  }

  static func bearer(_ request: HTTPRequest) -> String? {
    guard let value = request.headers["Authorization"], value.hasPrefix("Bearer ") else { return nil }
    return String(value.dropFirst("Bearer ".count)).trimming(" ")
  }

  private func route(_ request: HTTPRequest, segments: [String], token: Scenario.Token) async throws(APIStatus)
    -> HTTPResponse
  {
    let method = request.method
    if segments == ["version"] {
      return Self.json(
        200,
        [
          "major": "1", "minor": "31", "gitVersion": "v1.31.3", "platform": "linux/amd64",
          "goVersion": "go1.22.9", "compiler": "gc",
        ])
    }
    if segments == ["api"] {
      return Self.json(
        200,
        [
          "kind": "APIVersions", "versions": ["v1"],
          "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"]],
        ])
    }
    guard segments.count >= 3, segments[0] == "api", segments[1] == "v1" else { throw APIStatus.pathNotFound }
    if request.queryValue("watch").map({ $0 == "true" || $0 == "1" }) ?? false {
      throw APIStatus.badRequest("watch is not supported by the podhop cluster emulator")
    }
    let rest = Array(segments[2...])
    switch (method, rest.count, rest.first) {
    case ("GET", 1, "nodes"):
      try authorize(token, "list", "nodes", name: nil, namespace: nil)
      try await apply(.listNodes, name: nil)
      let items = store.with { state in state.nodes.map { $0.json(listItem: true) } }
      return list("NodeList", items)
    case ("GET", 2, "nodes"):
      try authorize(token, "get", "nodes", name: rest[1], namespace: nil)
      try await apply(.getNode, name: rest[1])
      guard let node = store.with({ $0.node(rest[1]) }) else { throw APIStatus.notFound("nodes", rest[1]) }
      return Self.json(200, node.json())
    case (_, 2..., "nodes") where rest.count >= 3 && rest[2] == "proxy":
      // `node:10250` names the kubelet port; the emulator knows each node's port itself.
      let nodeName = String(rest[1].split(separator: ":").first ?? "")
      try authorize(token, Self.verb(method), "nodes/proxy", name: nodeName, namespace: nil)
      guard store.with({ $0.node(nodeName) }) != nil else { throw APIStatus.notFound("nodes", nodeName) }
      let path = "/" + rest.dropFirst(3).joined(separator: "/")
      return await kubelet.handle(
        node: nodeName, method: method, path: path, query: request.query, caller: .apiServer)
    case ("GET", 1, "pods"):
      try authorize(token, "list", "pods", name: nil, namespace: nil)
      try await apply(.listPods, name: nil)
      return try listPods(namespace: nil, request)
    case ("GET", 1, "events"):
      try authorize(token, "list", "events", name: nil, namespace: nil)
      try await apply(.events, name: nil)
      return try listEvents(namespace: nil, request)
    case (_, 3..., "namespaces"):
      return try await namespaced(request, namespace: rest[1], rest: Array(rest[2...]), token: token)
    default:
      throw Self.knownPath(rest) ? APIStatus.methodNotAllowed : APIStatus.pathNotFound
    }
  }

  private func namespaced(_ request: HTTPRequest, namespace: String, rest: [String], token: Scenario.Token)
    async throws(APIStatus) -> HTTPResponse
  {
    switch (request.method, rest.count, rest[0]) {
    case ("GET", 1, "pods"):
      try authorize(token, "list", "pods", name: nil, namespace: namespace)
      try await apply(.listPods, name: nil)
      return try listPods(namespace: namespace, request)
    case ("POST", 1, "pods"):
      try authorize(token, "create", "pods", name: nil, namespace: namespace)
      let body = try Self.body(request)
      try await apply(.createPod, name: body["metadata"]?["name"]?.string)
      let pod = try store.with { (state) throws(APIStatus) -> PodRecord in
        try state.createPod(namespace: namespace, body: body)
      }
      startPod(pod)
      return Self.json(201, pod.json())
    case ("GET", 2..., "pods") where rest.count == 2 || (rest.count == 3 && rest[2] == "status"):
      try authorize(token, "get", "pods", name: rest[1], namespace: namespace)
      try await apply(.getPod, name: rest[1])
      guard let pod = store.with({ state in state.podIndex(namespace, rest[1]).map { state.pods[$0] } }) else {
        throw APIStatus.notFound("pods", rest[1])
      }
      return Self.json(200, pod.json())
    case ("DELETE", 2, "pods"):
      try authorize(token, "delete", "pods", name: rest[1], namespace: namespace)
      try await apply(.deletePod, name: rest[1])
      let options = request.body.isEmpty ? nil : try Self.body(request)
      let deleted = try store.with { (state) throws(APIStatus) -> JSONValue in
        try state.deletePod(namespace: namespace, name: rest[1], options: options)
      }
      return Self.json(200, deleted)
    case ("POST", 3, "pods") where rest[2] == "binding":
      try authorize(token, "create", "pods/binding", name: rest[1], namespace: namespace)
      try await apply(.binding, name: rest[1])
      let body = try Self.body(request)
      guard let target = body["target"]?["name"]?.string else {
        throw APIStatus.invalid(
          kind: "Binding", name: rest[1], errors: [("target.name", "FieldValueRequired", "Required value")])
      }
      let pod = try store.with { (state) throws(APIStatus) -> PodRecord in
        try state.bind(namespace: namespace, name: rest[1], node: target)
      }
      startPod(pod)
      return APISuccess.response(code: 201)
    case ("GET", 1, "events"):
      try authorize(token, "list", "events", name: nil, namespace: namespace)
      try await apply(.events, name: nil)
      return try listEvents(namespace: namespace, request)
    default:
      throw Self.knownPath(rest) ? APIStatus.methodNotAllowed : APIStatus.pathNotFound
    }
  }

  private func listPods(namespace: String?, _ request: HTTPRequest) throws(APIStatus) -> HTTPResponse {
    let labels = try Selector(request.queryValue("labelSelector"))
    let fields = try Selector(request.queryValue("fieldSelector"))
    try fields.checkFields(["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"])
    let items = store.with { state in
      state.pods.filter { pod in
        (namespace == nil || pod.namespace == namespace) && labels.matches(pod.labels)
          && fields.matches([
            "metadata.name": pod.name, "metadata.namespace": pod.namespace, "spec.nodeName": pod.nodeName ?? "",
            "status.phase": pod.phase,
          ])
      }.map { $0.json(listItem: true) }
    }
    return list("PodList", items)
  }

  private func listEvents(namespace: String?, _ request: HTTPRequest) throws(APIStatus) -> HTTPResponse {
    let fields = try Selector(request.queryValue("fieldSelector"))
    try fields.checkFields([
      "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "involvedObject.kind", "reason", "type",
      "metadata.namespace", "involvedObject.fieldPath",
    ])
    let items = store.with { state in
      state.events.filter { event in
        (namespace == nil || event.namespace == namespace)
          && fields.matches([
            "involvedObject.name": event.podName, "involvedObject.namespace": event.namespace,
            "involvedObject.uid": event.podUID, "involvedObject.kind": "Pod", "reason": event.reason,
            "type": event.type, "metadata.namespace": event.namespace,
            "involvedObject.fieldPath": event.fieldPath ?? "",
          ])
      }.map { $0.json() }
    }
    return list("EventList", items)
  }

  private func list(_ kind: String, _ items: [JSONValue]) -> HTTPResponse {
    let version = store.with { $0.resourceVersion }
    return Self.json(
      200,
      [
        "kind": .string(kind), "apiVersion": "v1", "metadata": ["resourceVersion": .string(String(version))],
        "items": .array(items),
      ])
  }

  private func authorize(
    _ token: Scenario.Token, _ verb: String, _ resource: String, name: String?,
    namespace: String?
  ) throws(APIStatus) {
    guard token.allows(verb, resource) else {
      throw APIStatus.forbidden(user: token.userName, verb: verb, resource: resource, name: name, namespace: namespace)
    }
  }

  /// Counts the request and applies an injected fault, if one matches.
  private func apply(_ operation: Operation, name: String?) async throws(APIStatus) {
    let effect = store.with { state -> Fault.Effect? in
      state.count(operation)
      return state.takeFault(operation, name: name)
    }
    guard let effect else { return }
    if effect.stallMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(effect.stallMilliseconds)) }
    guard let fault = effect.failure else { return }
    if let body = fault.body {
      throw APIStatus(code: fault.status ?? 500, reason: "raw", message: body, retryAfterSeconds: fault.retryAfterSeconds)
    }
    throw fault.apiStatus(defaultMessage: "Internal error occurred: emulated fault")
  }

  private static func body(_ request: HTTPRequest) throws(APIStatus) -> JSONValue {
    let type = request.headers["Content-Type"] ?? "application/json"
    do {
      return type.contains("yaml") ? try JSONValue.parseYAML(request.body) : try JSONValue.parse(request.body)
    } catch {
      throw APIStatus.badRequest("the body of the request could not be decoded: \(error)")
    }
  }

  private static func knownPath(_ rest: [String]) -> Bool {
    ["nodes", "pods", "events", "namespaces"].contains(rest.first ?? "")
  }

  private static func verb(_ method: String) -> String {
    switch method {
    case "GET", "HEAD": "get"
    case "PUT": "update"
    case "PATCH": "patch"
    case "DELETE": "delete"
    default: "create"
    }
  }

  static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
    HTTPResponse(
      status: status, headers: HTTPHeaders([("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")]),
      body: value.encoded())
  }
}

extension APIStatus {
  /// A raw fault body goes out as given, everything else as Status JSON.
  var responseOrRaw: HTTPResponse {
    guard reason == "raw" else { return response }
    var headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")])
    if let retryAfterSeconds { headers.add("Retry-After", String(retryAfterSeconds)) }
    return HTTPResponse(status: code, headers: headers, body: Array(message.utf8))
  }
}
