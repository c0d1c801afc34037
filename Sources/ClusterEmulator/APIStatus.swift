import HTTPServer

/// A `metav1.Status` failure, the body every Kubernetes API error carries.
struct APIStatus: Error, Sendable {
  var code: Int
  var reason: String
  var message: String
  var name: String?
  var kind: String?
  var causes: [(field: String, reason: String, message: String)] = []
  var retryAfterSeconds: Int?

  var json: JSONValue {
    var status: JSONValue = [
      "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
      "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
    ]
    var details: [String: JSONValue] = [:]
    if let name { details["name"] = .string(name) }
    if let kind { details["kind"] = .string(kind) }
    if !causes.isEmpty {
      details["causes"] = .array(
        causes.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] })
    }
    if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
    if !details.isEmpty || name != nil { status["details"] = .object(details) }
    return status
  }

  var response: HTTPResponse {
    var headers = HTTPHeaders([("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")])
    if let retryAfterSeconds { headers.add("Retry-After", String(retryAfterSeconds)) }
    return HTTPResponse(status: code, headers: headers, body: json.encoded())
  }

  static func notFound(_ resource: String, _ name: String) -> APIStatus {
    APIStatus(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found", name: name, kind: resource)
  }

  static func alreadyExists(_ resource: String, _ name: String) -> APIStatus {
    APIStatus(
      code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists", name: name, kind: resource)
  }

  static func badRequest(_ message: String) -> APIStatus {
    APIStatus(code: 400, reason: "BadRequest", message: message)
  }

  static let unauthorized = APIStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")

  static let pathNotFound = APIStatus(
    code: 404, reason: "NotFound", message: "the server could not find the requested resource")

  static let methodNotAllowed = APIStatus(
    code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")

  /// 422 with one cause per field error, formatted like the API server's aggregate.
  static func invalid(kind: String, name: String, errors: [(field: String, reason: String, detail: String)])
    -> APIStatus
  {
    let parts = errors.map { "\($0.field): \($0.detail)" }
    let summary = parts.count == 1 ? parts[0] : "[" + parts.joined(separator: ", ") + "]"
    return APIStatus(
      code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(summary)", name: name, kind: kind,
      causes: errors.map { (field: $0.field, reason: $0.reason, message: $0.detail) })
  }

  /// The RBAC denial text of kube-apiserver.
  static func forbidden(
    user: String, verb: String, resource: String, name: String?, namespace: String?
  ) -> APIStatus {
    let subject = name.map { "\(resource.split(separator: "/").first ?? "") \"\($0)\"" } ?? resource
    let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
    return APIStatus(
      code: 403, reason: "Forbidden",
      message:
        "\(subject) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(resource)\" in API group \"\" \(scope)",
      name: name, kind: String(resource.split(separator: "/").first ?? ""))
  }
}

/// `metav1.Status` success, as returned by the binding subresource.
enum APISuccess {
  static func response(code: Int) -> HTTPResponse {
    let body: JSONValue = [
      "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": .int(Int64(code)),
    ]
    return HTTPResponse(status: code, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body.encoded())
  }
}
