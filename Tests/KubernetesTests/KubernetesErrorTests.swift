import HTTPClient
import Testing

@testable import Kubernetes

@Suite("KubernetesError")
struct KubernetesErrorTests {
  static func statusBody(_ code: Int, reason: String, message: String, details: JSONValue? = nil) -> [UInt8] {
    var status: JSONValue = [
      "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
      "reason": .string(reason), "code": .number(Double(code)),
    ]
    if let details { status["details"] = details }
    return status.bytes
  }

  struct StatusCase: Sendable, CustomTestStringConvertible {
    let status: Int
    let reason: String
    let code: KubernetesError.Code
    let retryable: Bool
    var testDescription: String { "\(status) \(reason)" }
  }

  @Test(
    "Status bodies map to codes, keep reason and message, and say whether to retry",
    arguments: [
      StatusCase(status: 400, reason: "BadRequest", code: .invalid, retryable: false),
      StatusCase(status: 401, reason: "Unauthorized", code: .unauthorized, retryable: false),
      StatusCase(status: 403, reason: "Forbidden", code: .forbidden, retryable: false),
      StatusCase(status: 404, reason: "NotFound", code: .notFound, retryable: false),
      StatusCase(status: 409, reason: "AlreadyExists", code: .alreadyExists, retryable: false),
      StatusCase(status: 409, reason: "Conflict", code: .conflict, retryable: false),
      StatusCase(status: 422, reason: "Invalid", code: .invalid, retryable: false),
      StatusCase(status: 429, reason: "TooManyRequests", code: .tooManyRequests, retryable: true),
      StatusCase(status: 500, reason: "InternalError", code: .serverError, retryable: true),
      StatusCase(status: 501, reason: "NotImplemented", code: .serverError, retryable: false),
      StatusCase(status: 503, reason: "ServiceUnavailable", code: .serverError, retryable: true),
      StatusCase(status: 504, reason: "Timeout", code: .timeout, retryable: true),
      StatusCase(status: 408, reason: "Timeout", code: .timeout, retryable: true),
    ])
  func statusBodies(_ testCase: StatusCase) {
    let message = "pods \"web\" is \(testCase.reason)"
    let error = KubernetesError(
      status: testCase.status, headers: .init(),
      body: Self.statusBody(testCase.status, reason: testCase.reason, message: message),
      operation: "GET /api/v1/namespaces/shop/pods/web")
    #expect(error.code == testCase.code)
    #expect(error.status == testCase.status)
    #expect(error.reason == testCase.reason)
    #expect(error.message == message)
    #expect(error.isRetryable == testCase.retryable)
    #expect(error.retryAfter == nil)
    #expect(
      error.description
        == "GET /api/v1/namespaces/shop/pods/web: HTTP \(testCase.status) (\(testCase.reason)): \(message)")
  }

  @Test("429 honours Retry-After in seconds, and details.retryAfterSeconds when the header is absent")
  func retryAfter() {
    let withHeader = KubernetesError(
      status: 429, headers: ResponseHeaders([(name: "Retry-After", value: "7")]),
      body: Self.statusBody(429, reason: "TooManyRequests", message: "storage is (re)initializing"), operation: nil)
    #expect(withHeader.code == .tooManyRequests)
    #expect(withHeader.retryAfter == .seconds(7))
    #expect(withHeader.isRetryable)

    let fromDetails = KubernetesError(
      status: 429, headers: .init(),
      body: Self.statusBody(429, reason: "TooManyRequests", message: "slow down", details: ["retryAfterSeconds": 3]),
      operation: nil)
    #expect(fromDetails.retryAfter == .seconds(3))

    let httpDate = KubernetesError(
      status: 429, headers: ResponseHeaders([(name: "retry-after", value: "Wed, 21 Oct 2015 07:28:00 GMT")]),
      body: [], operation: nil)
    #expect(httpDate.retryAfter == nil)
  }

  @Test(
    "The kubelet's plain-text bodies are kept verbatim in message",
    arguments: [
      (404, "404 page not found\n", "404 page not found", KubernetesError.Code.notFound),
      (404, "pod does not exist\n", "pod does not exist", .notFound),
      (404, "container app does not exist\n", "container app does not exist", .notFound),
      (
        500,
        "checkpointing of shop/web/app failed (rpc error: code = Unimplemented desc = method CheckpointContainer not implemented)\n",
        "checkpointing of shop/web/app failed (rpc error: code = Unimplemented desc = method CheckpointContainer not implemented)",
        .serverError
      ),
      (
        403, "Forbidden (user=podhop, verb=create, resource=nodes, subresource(s)=[checkpoint])\n",
        "Forbidden (user=podhop, verb=create, resource=nodes, subresource(s)=[checkpoint])", .forbidden
      ),
    ])
  func plainText(status: Int, body: String, message: String, code: KubernetesError.Code) {
    let error = KubernetesError(
      status: status, headers: .init(), body: Array(body.utf8), operation: "POST /checkpoint/shop/web/app")
    #expect(error.code == code)
    #expect(error.message == message)
    #expect(error.reason == nil)
  }

  @Test("An empty body, JSON that is not a Status, and a huge body still give a usable message")
  func oddBodies() {
    let empty = KubernetesError(status: 502, headers: .init(), body: [], operation: nil)
    #expect(empty.message == "HTTP 502 with an empty body")
    #expect(empty.code == .serverError)
    let notStatus = KubernetesError(status: 418, headers: .init(), body: Array(#"{"kind":"Pod"}"#.utf8), operation: nil)
    #expect(notStatus.code == .unexpectedResponse)
    #expect(notStatus.message == #"{"kind":"Pod"}"#)
    let huge = KubernetesError(status: 500, headers: .init(), body: Array(repeating: 0x61, count: 100_000), operation: nil)
    #expect(huge.message.utf8.count < 2100)
    #expect(huge.message.hasSuffix("(truncated)"))
  }

  @Test("A bearer token echoed by the server never reaches the message")
  func tokenRedacted() {
    let error = KubernetesError(
      status: 401, headers: .init(), body: Array("invalid bearer token s3cr3t-token-value".utf8), operation: nil,
      secret: "s3cr3t-token-value")
    #expect(error.message == "invalid bearer token [redacted]")
    #expect(!error.description.contains("s3cr3t"))
  }

  @Test(
    "HTTPClient failures map to transport, timeout, configuration or cancelled",
    arguments: [
      (HTTPClientError.Code.connect, KubernetesError.Code.transport, true),
      (.receive, .transport, true),
      (.send, .transport, true),
      (.timeout, .timeout, true),
      (.tls, .configuration, false),
      (.invalidRequest, .configuration, false),
      (.cancelled, .cancelled, false),
      (.tooLarge, .unexpectedResponse, false),
    ])
  func transportErrors(client: HTTPClientError.Code, code: KubernetesError.Code, retryable: Bool) {
    let error = KubernetesError(HTTPClientError(code: client, message: "GET https://x/api: boom"), operation: "GET /api")
    #expect(error.code == code)
    #expect(error.isRetryable == retryable)
    #expect(error.status == nil)
    #expect(error.message.hasPrefix("GET https://x/api: boom"))
  }

  @Test("425 is retryable although it has no code of its own")
  func tooEarly() {
    let error = KubernetesError(status: 425, headers: .init(), body: [], operation: nil)
    #expect(error.isRetryable)
  }
}
