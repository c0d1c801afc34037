import HTTPClient

/// Sends requests to one HTTP endpoint (an API server or a kubelet) with bearer-token
/// authentication, and turns what comes back into JSON or a `KubernetesError`.
///
/// Shared by `KubernetesClient` and `KubeletClient`; the token is read from its source for every
/// request, so a rotated token is used from the next request on.
struct KubernetesTransport: Sendable {
  let baseURL: String
  let client: HTTPClient
  let token: TokenSource?

  init(baseURL: String, tls: TLSConfiguration, token: TokenSource?) {
    var baseURL = baseURL
    while baseURL.hasSuffix("/") { baseURL.removeLast() }
    self.baseURL = baseURL
    self.client = HTTPClient(tls: tls)
    self.token = token
  }

  /// Sends the request and returns the parsed JSON body of a response whose status is in
  /// `accepted`; any other status becomes the error its body describes.
  func json(
    _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, timeout: Duration,
    accepted: Set<Int> = [200]
  ) async throws(KubernetesError) -> JSONValue {
    precondition(path.hasPrefix("/"), "Kubernetes API paths start with '/'")
    let operation = "\(method) \(path)"
    var headers = [("Accept", "application/json"), ("User-Agent", "podhop")]
    var secret: String?
    if let token {
      let value = try token.current()
      secret = value
      headers.append(("Authorization", "Bearer \(value)"))
    }
    var requestBody = RequestBody.none
    if let body {
      headers.append(("Content-Type", "application/json"))
      requestBody = .bytes(body.bytes)
    }
    let request = HTTPClientRequest(
      method: method, url: baseURL + path + Self.queryString(query), headers: headers, body: requestBody,
      timeout: timeout)
    let response: HTTPClientResponse
    do {
      response = try await client.send(request)
    } catch {
      throw KubernetesError(error, operation: operation)
    }
    guard accepted.contains(response.status) else {
      throw KubernetesError(
        status: response.status, headers: response.headers, body: response.body, operation: operation, secret: secret)
    }
    do {
      return try JSONValue(parsing: response.body)
    } catch {
      throw KubernetesError(
        code: .unexpectedResponse, status: response.status,
        message: "the HTTP \(response.status) response is not JSON (\(response.body.count) bytes)", operation: operation)
    }
  }

  /// `?name=value&...` with both sides percent-encoded (RFC 3986 unreserved characters kept),
  /// or the empty string for no arguments.
  static func queryString(_ query: [(String, String)]) -> String {
    guard !query.isEmpty else { return "" }
    return "?" + query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
  }

  /// `text` with every byte outside `A-Z a-z 0-9 - . _ ~` percent-encoded: safe as a query
  /// argument or as one path segment.
  static func percentEncoded(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        bytes.append(byte)
      default:
        bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
