import Crypto
import Foundation
import HTTPServer
import Synchronization

/// A small registry on 127.0.0.1 speaking the distribution wire format, with an optional bearer
/// token server (`/token`, basic credentials), request recording and injected failures. For
/// what Debian's docker-registry cannot do: token auth, 429/503 with Retry-After.
final class FakeRegistry: Sendable {
  struct Seen: Sendable {
    var method: String
    var path: String
    var authorization: String?
  }

  struct TokenRequest: Sendable {
    var method: String
    var authorization: String?
    var scopes: [String]
    var service: String?
    var form: String
  }

  struct Failure: Sendable {
    var pathContains: String
    var status: Int
    var headers: [(String, String)]
    var body: String
  }

  struct State: Sendable {
    var port: UInt16 = 0
    var requests: [Seen] = []
    var tokenRequests: [TokenRequest] = []
    var tokens: Set<String> = []
    var issued = 0
    var blobs: [String: [UInt8]] = [:]
    var manifests: [String: [UInt8]] = [:]
    var failures: [Failure] = []
    /// Bytes kept per upload id, for the resume protocol.
    var uploads: [String: [UInt8]] = [:]
    /// When set, the next monolithic PUT keeps this many bytes and answers 503.
    var keepPrefixOnNextPut: Int?
  }

  let username = "robot"
  let password = "s3cret-for-fake"
  let tokenLifetime: Int
  let requireBearer: Bool
  private let state = Mutex(State())
  private let server: Mutex<HTTPServer?> = Mutex(nil)

  var address: String { "127.0.0.1:\(state.withLock { $0.port })" }
  var requests: [Seen] { state.withLock { $0.requests } }
  var tokenRequests: [TokenRequest] { state.withLock { $0.tokenRequests } }

  private init(tokenLifetime: Int, requireBearer: Bool) {
    self.tokenLifetime = tokenLifetime
    self.requireBearer = requireBearer
  }

  static func start(tokenLifetime: Int = 300, requireBearer: Bool = true) throws -> FakeRegistry {
    let registry = FakeRegistry(tokenLifetime: tokenLifetime, requireBearer: requireBearer)
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.maxBodyBytes = 32 << 20
    let server = HTTPServer(
      configuration: configuration, handler: { [registry] request in registry.handle(request) },
      rejection: { _, _ in HTTPResponse(status: 413) })
    try server.start()
    registry.state.withLock { $0.port = server.port }
    registry.server.withLock { $0 = server }
    return registry
  }

  func stop() async {
    let server = self.server.withLock { $0 }
    await server?.shutdown(deadline: .seconds(2))
  }

  /// The next `count` requests whose path contains `pathContains` get `status`.
  func failNext(_ count: Int, pathContains: String, status: Int, headers: [(String, String)] = [], body: String = "") {
    state.withLock { state in
      for _ in 0..<count {
        state.failures.append(Failure(pathContains: pathContains, status: status, headers: headers, body: body))
      }
    }
  }

  /// The next monolithic upload PUT keeps only `count` bytes and answers 503, so the client
  /// has to ask for the upload's Range and resume with PATCH.
  func breakNextPut(keeping count: Int) { state.withLock { $0.keepPrefixOnNextPut = count } }

  /// Forgets every issued token, as a token server's key rotation would.
  func revokeTokens() { state.withLock { $0.tokens = [] } }

  private func handle(_ request: HTTPRequest) -> HTTPResponse {
    let authorization = request.headers["Authorization"]
    if request.path == "/token" { return token(request) }
    return state.withLock { state -> HTTPResponse in
      state.requests.append(Seen(method: request.method, path: request.path, authorization: authorization))
      if let index = state.failures.firstIndex(where: { request.path.contains($0.pathContains) }) {
        let failure = state.failures.remove(at: index)
        return HTTPResponse(status: failure.status, headers: HTTPHeaders(failure.headers), body: Array(failure.body.utf8))
      }
      let name = Self.repositoryName(request.path)
      if requireBearer {
        let token = authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let token, state.tokens.contains(token) else {
          let challenge =
            "Bearer realm=\"http://127.0.0.1:\(state.port)/token\",service=\"fake-registry\",scope=\"repository:\(name):pull,push\""
          return Self.error(401, "UNAUTHORIZED", "authentication required", headers: [("WWW-Authenticate", challenge)])
        }
      }
      return route(request, name: name, state: &state)
    }
  }

  private func route(_ request: HTTPRequest, name: String, state: inout State) -> HTTPResponse {
    let path = request.path
    if path == "/v2/" { return HTTPResponse(status: 200, body: Array("{}".utf8)) }
    if let range = path.range(of: "/blobs/uploads/") {
      if request.method == "POST" {
        let id = UUID().uuidString.lowercased()
        // Relative, with its own query, as distribution does behind some proxies.
        return HTTPResponse(
          status: 202,
          headers: HTTPHeaders([("Location", "\(path[..<range.upperBound])\(id)?_state=opaque-\(id)")]))
      }
      let id = String(path[range.upperBound...])
      if request.method == "GET" {
        guard let kept = state.uploads[id] else { return Self.error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown") }
        return HTTPResponse(
          status: 204,
          headers: HTTPHeaders([
            ("Range", "0-\(max(kept.count - 1, 0))"), ("Location", "\(path)?_state=opaque-\(id)-\(kept.count)"),
          ]))
      }
      if request.method == "PATCH" {
        let kept = state.uploads[id] ?? []
        guard request.queryValue("_state")?.hasPrefix("opaque-") == true,
          request.headers["Content-Range"] == "\(kept.count)-\(kept.count + request.body.count - 1)"
        else { return Self.error(416, "BLOB_UPLOAD_INVALID", "bad range") }
        state.uploads[id] = kept + request.body
        let total = kept.count + request.body.count
        return HTTPResponse(
          status: 202,
          headers: HTTPHeaders([("Range", "0-\(total - 1)"), ("Location", "\(path)?_state=opaque-\(id)-\(total)")]))
      }
      if request.method == "PUT", let keep = state.keepPrefixOnNextPut, !request.body.isEmpty {
        state.keepPrefixOnNextPut = nil
        state.uploads[id] = Array(request.body.prefix(keep))
        return Self.error(503, "UNAVAILABLE", "storage hiccup")
      }
      if request.method == "PUT" {
        let body = (state.uploads.removeValue(forKey: id) ?? []) + request.body
        guard request.queryValue("_state")?.hasPrefix("opaque-") == true, let digest = request.queryValue("digest")
        else { return Self.error(400, "BLOB_UPLOAD_INVALID", "missing state or digest") }
        let actual = "sha256:" + SHA256.hexDigest(body)
        guard actual == digest else { return Self.error(400, "DIGEST_INVALID", "provided digest did not match uploaded content") }
        state.blobs[digest] = body
        return HTTPResponse(
          status: 201, headers: HTTPHeaders([("Docker-Content-Digest", digest), ("Location", "/v2/\(name)/blobs/\(digest)")]))
      }
    }
    if let range = path.range(of: "/blobs/") {
      let digest = String(path[range.upperBound...])
      let exists = state.blobs[digest] != nil
      return HTTPResponse(status: exists ? 200 : 404, headers: HTTPHeaders(exists ? [("Docker-Content-Digest", digest)] : []))
    }
    if let range = path.range(of: "/manifests/") {
      let reference = String(path[range.upperBound...])
      if request.method == "PUT" {
        let digest = "sha256:" + SHA256.hexDigest(request.body)
        state.manifests[reference] = request.body
        state.manifests[digest] = request.body
        return HTTPResponse(status: 201, headers: HTTPHeaders([("Docker-Content-Digest", digest)]))
      }
      guard let manifest = state.manifests[reference] else {
        return Self.error(404, "MANIFEST_UNKNOWN", "manifest unknown", detail: "{\"Tag\":\"\(reference)\"}")
      }
      return HTTPResponse(
        status: 200,
        headers: HTTPHeaders([("Content-Type", "application/vnd.oci.image.manifest.v1+json")]), body: manifest)
    }
    return Self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
  }

  private func token(_ request: HTTPRequest) -> HTTPResponse {
    let authorization = request.headers["Authorization"]
    let form = String(decoding: request.body, as: UTF8.self)
    return state.withLock { state in
      state.tokenRequests.append(
        TokenRequest(
          method: request.method, authorization: authorization,
          scopes: request.query.filter { $0.name == "scope" }.map(\.value), service: request.queryValue("service"),
          form: form))
      let expected = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
      let refreshed = form.contains("grant_type=refresh_token") && form.contains("refresh_token=identity-abc")
      guard authorization == expected || refreshed else {
        return Self.error(401, "UNAUTHORIZED", "bad credentials")
      }
      state.issued += 1
      let token = "tok-\(state.issued)"
      state.tokens.insert(token)
      let key = refreshed ? "access_token" : "token"
      return HTTPResponse(
        status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]),
        body: Array("{\"\(key)\":\"\(token)\",\"expires_in\":\(tokenLifetime)}".utf8))
    }
  }

  private static func repositoryName(_ path: String) -> String {
    var rest = path.dropFirst("/v2/".count)
    for marker in ["/blobs/", "/manifests/"] {
      if let range = rest.range(of: marker) {
        rest = rest[..<range.lowerBound]
        return String(rest)
      }
    }
    return ""
  }

  static func error(
    _ status: Int, _ code: String, _ message: String, detail: String = "null", headers: [(String, String)] = []
  ) -> HTTPResponse {
    HTTPResponse(
      status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers),
      body: Array("{\"errors\":[{\"code\":\"\(code)\",\"message\":\"\(message)\",\"detail\":\(detail)}]}".utf8))
  }
}
