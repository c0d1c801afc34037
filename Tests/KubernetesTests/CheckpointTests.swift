import HTTPServer
import Testing

@testable import Kubernetes

@Suite("Checkpoint through the API-server proxy and directly at the kubelet")
struct CheckpointTests {
  static let archive =
    "/var/lib/kubelet/checkpoints/checkpoint-web-7d4b9_shop-app-2026-09-01T10:00:00+02:00.tar"

  /// The kubelet's literal success body.
  static let success = HTTPResponse(
    status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]),
    body: Array(#"{"items":["\#(archive)"]}"#.utf8))

  @Test("The proxy call POSTs to nodes/{node}/proxy/checkpoint/... with timeout in whole seconds rounded up")
  func throughProxy() async throws {
    try await FakeAPIServer.with(respond: { _ in Self.success }) { server in
      let client = KubernetesClient(
        access: ClusterAccess(server: server.url, bearerToken: TokenSource(token: "proxy-token")))
      let path = try await client.checkpointThroughProxy(
        node: "node-a", namespace: "shop", pod: "web-7d4b9", container: "app", timeout: .milliseconds(120_200))
      #expect(path == Self.archive)
      let request = try #require(server.requests.first)
      #expect(request.method == "POST")
      #expect(request.path == "/api/v1/nodes/node-a/proxy/checkpoint/shop/web-7d4b9/app")
      #expect(request.query.map(\.name) == ["timeout"])
      #expect(request.queryValue("timeout") == "121")
      #expect(request.headers["Authorization"] == "Bearer proxy-token")
      #expect(request.body.isEmpty)
    }
  }

  @Test("The kubelet client POSTs to /checkpoint/... on the kubelet")
  func direct() async throws {
    try await FakeAPIServer.with(respond: { _ in Self.success }) { server in
      let kubelet = KubeletClient(baseURL: server.url, tls: .init(), token: TokenSource(token: "kubelet-token"))
      let path = try await kubelet.checkpoint(namespace: "shop", pod: "web-7d4b9", container: "app", timeout: .seconds(300))
      #expect(path == Self.archive)
      let request = try #require(server.requests.first)
      #expect(request.path == "/checkpoint/shop/web-7d4b9/app")
      #expect(request.queryValue("timeout") == "300")
      #expect(request.headers["Authorization"] == "Bearer kubelet-token")
    }
  }

  @Test(
    "The kubelet's plain-text errors come back verbatim so callers can tell them apart",
    arguments: [
      (404, "404 page not found", KubernetesError.Code.notFound),
      (404, "pod does not exist", .notFound),
      (404, "container app does not exist", .notFound),
      (
        500,
        "checkpointing of shop/web-7d4b9/app failed (rpc error: code = Unknown desc = checkpoint/restore support not available)",
        .serverError
      ),
      (
        403, "Forbidden (user=system:serviceaccount:podhop:podhop, verb=create, resource=nodes, subresource(s)=[checkpoint])",
        .forbidden
      ),
    ])
  func kubeletErrors(status: Int, text: String, code: KubernetesError.Code) async throws {
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.text(text + "\n", status: status) }) { server in
      let kubelet = KubeletClient(baseURL: server.url, tls: .init(), token: nil)
      let error = await #expect(throws: KubernetesError.self) {
        try await kubelet.checkpoint(namespace: "shop", pod: "web-7d4b9", container: "app", timeout: .seconds(60))
      }
      #expect(error?.code == code)
      #expect(error?.status == status)
      #expect(error?.message == text)
      #expect(error?.operation == "POST /checkpoint/shop/web-7d4b9/app")
      #expect(error?.isRetryable == (status == 500))
    }
  }

  @Test("A 429 from the proxy carries Retry-After")
  func rateLimited() async throws {
    try await FakeAPIServer.with(respond: { _ in
      FakeAPIServer.status(429, reason: "TooManyRequests", message: "Too many requests", headers: [("Retry-After", "4")])
    }) { server in
      let client = KubernetesClient(access: ClusterAccess(server: server.url))
      let error = await #expect(throws: KubernetesError.self) {
        try await client.checkpointThroughProxy(
          node: "node-a", namespace: "shop", pod: "web-7d4b9", container: "app", timeout: .seconds(60))
      }
      #expect(error?.code == .tooManyRequests)
      #expect(error?.retryAfter == .seconds(4))
    }
  }

  @Test("A 200 without items[0] is unexpectedResponse")
  func noItems() async throws {
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(["items": []]) }) { server in
      let kubelet = KubeletClient(baseURL: server.url, tls: .init(), token: nil)
      let error = await #expect(throws: KubernetesError.self) {
        try await kubelet.checkpoint(namespace: "shop", pod: "web-7d4b9", container: "app", timeout: .seconds(60))
      }
      #expect(error?.code == .unexpectedResponse)
    }
  }

  @Test("Timeouts: whole seconds rounded up, HTTP limit 30 s more; names are validated")
  func request() throws {
    let request = try CheckpointRequest(namespace: "shop", pod: "web", container: "app", timeout: .milliseconds(1500))
    #expect(request.timeoutSeconds == 2)
    #expect(request.requestTimeout == .seconds(32))
    #expect(try CheckpointRequest(namespace: "shop", pod: "web", container: "app", timeout: .seconds(90)).timeoutSeconds == 90)
    #expect(try CheckpointRequest(namespace: "shop", pod: "web", container: "app", timeout: .zero).timeoutSeconds == 0)
    let error = #expect(throws: KubernetesError.self) {
      try CheckpointRequest(namespace: "shop", pod: "web", container: "app/../x", timeout: .seconds(1))
    }
    #expect(error?.code == .invalid)
  }
}
