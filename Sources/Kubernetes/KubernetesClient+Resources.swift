extension KubernetesClient {
  /// The pod `name` in `namespace`.
  public func pod(namespace: String, name: String) async throws(KubernetesError) -> Pod {
    let path = try Self.podPath(namespace: namespace, name: name)
    return try Pod(json: Self.object(await get(path), operation: "GET \(path)"))
  }

  /// The pods in `namespace`, optionally only those matching `labelSelector`
  /// (`app=web,tier!=db`), in the server's order. The list is not paginated.
  public func pods(namespace: String, labelSelector: String? = nil) async throws(KubernetesError) -> [Pod] {
    try Self.validate(namespace, as: .namespace)
    let path = "/api/v1/namespaces/\(namespace)/pods"
    let list = try await get(path, query: labelSelector.map { [("labelSelector", $0)] } ?? [])
    return try Self.items(of: list, operation: "GET \(path)").map(Pod.init(json:))
  }

  /// The pods of every namespace, optionally only those matching `fieldSelector`
  /// (`spec.nodeName=node-a`), in the server's order. The list is not paginated.
  public func podsInAllNamespaces(fieldSelector: String? = nil) async throws(KubernetesError) -> [Pod] {
    let path = "/api/v1/pods"
    let list = try await get(path, query: fieldSelector.map { [("fieldSelector", $0)] } ?? [])
    return try Self.items(of: list, operation: "GET \(path)").map(Pod.init(json:))
  }

  /// Every node, in the server's order. The list is not paginated.
  public func nodes() async throws(KubernetesError) -> [Node] {
    let path = "/api/v1/nodes"
    return try Self.items(of: await get(path), operation: "GET \(path)").map(Node.init(json:))
  }

  /// Creates `pod` (a full Pod object: `apiVersion`, `kind`, `metadata`, `spec`) in `namespace`
  /// and returns it as the server stored it.
  ///
  /// A pod of that name that already exists is `.alreadyExists`; use `metadata.generateName`
  /// for a server-chosen name.
  public func createPod(namespace: String, _ pod: JSONValue) async throws(KubernetesError) -> Pod {
    try Self.validate(namespace, as: .namespace)
    let path = "/api/v1/namespaces/\(namespace)/pods"
    return try Pod(json: Self.object(await create(path, pod), operation: "POST \(path)"))
  }

  /// Deletes the pod with the default grace period; a pod that does not exist counts as deleted.
  ///
  /// Returns once the API server accepted the deletion: the pod may still be terminating.
  public func deletePod(namespace: String, name: String) async throws(KubernetesError) {
    let path = try Self.podPath(namespace: namespace, name: name)
    do {
      _ = try await delete(path)
    } catch  where error.code == .notFound {
      return
    }
  }

  /// The node `name`.
  public func node(_ name: String) async throws(KubernetesError) -> Node {
    try Self.validate(name, as: .node)
    let path = "/api/v1/nodes/\(name)"
    return try Node(json: Self.object(await get(path), operation: "GET \(path)"))
  }

  /// The core/v1 events in `namespace` about objects named `involvedObjectName`
  /// (`fieldSelector=involvedObject.name=NAME`), in the server's order (not by time).
  public func events(namespace: String, involvedObjectName: String) async throws(KubernetesError)
    -> [KubernetesEvent]
  {
    try Self.validate(namespace, as: .namespace)
    let path = "/api/v1/namespaces/\(namespace)/events"
    let list = try await get(
      path, query: [("fieldSelector", "involvedObject.name=" + Self.fieldSelectorEscaped(involvedObjectName))])
    return try Self.items(of: list, operation: "GET \(path)").map(KubernetesEvent.init(json:))
  }

  /// `value` with `\`, `,` and `=` backslash-escaped, as field selector values need.
  static func fieldSelectorEscaped(_ value: String) -> String {
    var escaped = ""
    for character in value {
      if character == "\\" || character == "," || character == "=" { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }

  static func podPath(namespace: String, name: String) throws(KubernetesError) -> String {
    try validate(namespace, as: .namespace)
    try validate(name, as: .pod)
    return "/api/v1/namespaces/\(namespace)/pods/\(name)"
  }

  /// `json` when it is an object; else `.unexpectedResponse`.
  static func object(_ json: JSONValue, operation: String) throws(KubernetesError) -> JSONValue {
    guard json.object != nil else {
      throw KubernetesError(code: .unexpectedResponse, message: "the response is not a JSON object", operation: operation)
    }
    return json
  }

  /// The object elements of a list's `items`; `.unexpectedResponse` when it has none.
  static func items(of list: JSONValue, operation: String) throws(KubernetesError) -> [JSONValue] {
    guard let items = list["items"]?.array ?? (list["items"]?.isNull == true ? [] : nil),
      items.allSatisfy({ $0.object != nil })
    else {
      throw KubernetesError(
        code: .unexpectedResponse, message: "the response is not a list with an items array", operation: operation)
    }
    return items
  }
}
