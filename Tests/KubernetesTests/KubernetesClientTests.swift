import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import Kubernetes

@Suite("KubernetesClient against a fake API server")
struct KubernetesClientTests {
  static func client(_ server: FakeAPIServer, token: TokenSource? = TokenSource(token: "t0k3n")) -> KubernetesClient {
    KubernetesClient(access: ClusterAccess(server: server.url + "/", bearerToken: token), requestTimeout: .seconds(10))
  }

  @Test("pod() GETs the pod path with the bearer token and reads the typed fields")
  func getPod() async throws {
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(SampleObjects.pod) }) { server in
      let pod = try await Self.client(server).pod(namespace: "shop", name: "web-7d4b9")
      let request = try #require(server.requests.first)
      #expect(request.method == "GET")
      #expect(request.path == "/api/v1/namespaces/shop/pods/web-7d4b9")
      #expect(request.headers["Authorization"] == "Bearer t0k3n")
      #expect(request.headers["Accept"] == "application/json")

      #expect(pod.name == "web-7d4b9")
      #expect(pod.namespace == "shop")
      #expect(pod.uid == "0b5c7a1e-1111-4c8e-9f00-5a5a5a5a5a5a")
      #expect(pod.nodeName == "node-a")
      #expect(pod.phase == "Running")
      #expect(pod.podIP == "10.244.1.7")
      #expect(pod.labels == ["app": "web", "pod-template-hash": "7d4b9"])
      #expect(pod.annotations == ["podhop.io/source": "node-a"])
      #expect(pod.ownerReferences.map(\.kind) == ["ReplicaSet"])
      #expect(pod.ownerReferences.first?.name == "web-7d4b9")
      #expect(pod.ownerReferences.first?.isController == true)
      #expect(pod.containerNames == ["app", "sidecar"])
      #expect(pod.initContainerNames == ["setup"])
      #expect(pod.volumes.map(\.name) == ["data", "host", "scratch", "cfg", "creds", "kube-api-access-x", "info", "shared"])
      #expect(
        pod.volumes.map(\.kind) == [
          .persistentVolumeClaim, .hostPath, .emptyDir, .configMap, .secret, .projected, .downwardAPI, .other("nfs"),
        ])
      #expect(pod.isReady)
      let statuses = pod.containerStatuses
      #expect(statuses.count == 2)
      #expect(statuses[0].name == "app")
      #expect(statuses[0].ready && statuses[0].running)
      #expect(statuses[0].imageID == "docker.io/library/nginx@sha256:abc")
      #expect(statuses[0].image == "docker.io/library/nginx:1.27")
      #expect(statuses[0].containerID == "cri-o://0123")
      #expect(!statuses[1].running)
      #expect(statuses[1].waitingReason == "CreateContainerError")
      #expect(statuses[1].waitingMessage == "image not known")
      #expect(statuses[1].terminatedReason == nil)
      #expect(statuses[1].restartCount == 3)
    }
  }

  @Test("pods() sends the label selector percent-encoded and returns every item")
  func listPods() async throws {
    let list: JSONValue = ["kind": "PodList", "items": [SampleObjects.pod, SampleObjects.pod]]
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(list) }) { server in
      let pods = try await Self.client(server).pods(namespace: "shop", labelSelector: "app=web,tier!=db")
      #expect(pods.count == 2)
      let request = try #require(server.requests.first)
      #expect(request.path == "/api/v1/namespaces/shop/pods")
      #expect(request.queryValue("labelSelector") == "app=web,tier!=db")
    }
    #expect(
      KubernetesTransport.queryString([("labelSelector", "app=web,tier!=db")])
        == "?labelSelector=app%3Dweb%2Ctier%21%3Ddb")
  }

  @Test("createPod() POSTs the JSON body and accepts 201")
  func createPod() async throws {
    let manifest: JSONValue = [
      "apiVersion": "v1", "kind": "Pod", "metadata": ["generateName": "web-restored-"],
      "spec": ["containers": [["name": "app", "image": "registry.local/ckpt@sha256:1"]], "nodeName": "node-b"],
    ]
    try await FakeAPIServer.with(respond: { request in
      var created = (try? JSONValue(parsing: request.body)) ?? .null
      created["metadata"]?["name"] = "web-restored-x1"
      created["metadata"]?["namespace"] = "shop"
      return FakeAPIServer.json(created, status: 201)
    }) { server in
      let pod = try await Self.client(server).createPod(namespace: "shop", manifest)
      #expect(pod.name == "web-restored-x1")
      #expect(pod.nodeName == "node-b")
      let request = try #require(server.requests.first)
      #expect(request.method == "POST")
      #expect(request.path == "/api/v1/namespaces/shop/pods")
      #expect(request.headers["Content-Type"] == "application/json")
      #expect(try JSONValue(parsing: request.body) == manifest)
    }
  }

  @Test("createPod() of an existing name is alreadyExists")
  func createConflict() async throws {
    try await FakeAPIServer.with(respond: { _ in
      FakeAPIServer.status(409, reason: "AlreadyExists", message: "pods \"web\" already exists")
    }) { server in
      let error = await #expect(throws: KubernetesError.self) {
        try await Self.client(server).createPod(namespace: "shop", ["metadata": ["name": "web"]])
      }
      #expect(error?.code == .alreadyExists)
      #expect(error?.operation == "POST /api/v1/namespaces/shop/pods")
    }
  }

  @Test("deletePod() sends DELETE and treats 404 as done, but not other errors")
  func deletePod() async throws {
    try await FakeAPIServer.with(respond: { request in
      request.path.hasSuffix("/gone")
        ? FakeAPIServer.status(404, reason: "NotFound", message: "pods \"gone\" not found")
        : FakeAPIServer.status(403, reason: "Forbidden", message: "pods \"locked\" is forbidden")
    }) { server in
      let client = Self.client(server)
      try await client.deletePod(namespace: "shop", name: "gone")
      let error = await #expect(throws: KubernetesError.self) { try await client.deletePod(namespace: "shop", name: "locked") }
      #expect(error?.code == .forbidden)
      #expect(server.requests.map(\.method) == ["DELETE", "DELETE"])
      #expect(server.requests.first?.path == "/api/v1/namespaces/shop/pods/gone")
    }
  }

  @Test("node() reads runtime, readiness, images, addresses and allocatable")
  func node() async throws {
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(SampleObjects.node) }) { server in
      let node = try await Self.client(server).node("node-b")
      #expect(server.requests.first?.path == "/api/v1/nodes/node-b")
      #expect(node.name == "node-b")
      #expect(node.operatingSystem == "linux")
      #expect(node.architecture == "amd64")
      #expect(node.containerRuntimeVersion == "cri-o://1.31.3")
      #expect(node.runtimeName == "cri-o")
      #expect(node.runtimeVersion == "1.31.3")
      #expect(node.kubeletVersion == "v1.31.2")
      #expect(node.isReady)
      #expect(node.isUnschedulable)
      #expect(
        node.images == [
          "docker.io/library/nginx@sha256:abc", "docker.io/library/nginx:1.27", "registry.k8s.io/pause:3.10",
        ])
      #expect(node.internalIP == "10.0.0.12")
      #expect(node.kubeletPort == 10250)
      #expect(node.allocatable == ["cpu": "3800m", "memory": "15Gi", "pods": "110"])
    }
  }

  @Test("events() selects by involvedObject.name and reads old- and new-style events")
  func events() async throws {
    let list: JSONValue = [
      "kind": "EventList",
      "items": [
        [
          "reason": "Failed", "message": "Error: failed to restore container app", "type": "Warning", "count": 4,
          "lastTimestamp": "2026-09-01T10:00:05Z", "involvedObject": ["kind": "Pod", "name": "web-restored-x1"],
        ],
        [
          "reason": "Pulled", "message": "Successfully pulled image", "type": "Normal", "lastTimestamp": nil,
          "eventTime": "2026-09-01T10:00:01.000000Z",
        ],
      ],
    ]
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(list) }) { server in
      let events = try await Self.client(server).events(namespace: "shop", involvedObjectName: "web-restored-x1")
      let request = try #require(server.requests.first)
      #expect(request.path == "/api/v1/namespaces/shop/events")
      #expect(request.query.map(\.name) == ["fieldSelector"])
      #expect(request.queryValue("fieldSelector") == "involvedObject.name=web-restored-x1")
      #expect(events.map(\.reason) == ["Failed", "Pulled"])
      #expect(events[0].type == "Warning")
      #expect(events[0].count == 4)
      #expect(events[0].lastTimestamp == "2026-09-01T10:00:05Z")
      #expect(events[0].involvedObjectName == "web-restored-x1")
      #expect(events[1].count == 1)
      #expect(events[1].lastTimestamp == "2026-09-01T10:00:01.000000Z")
    }
    #expect(
      KubernetesTransport.queryString([("fieldSelector", "involvedObject.name=web-1")])
        == "?fieldSelector=involvedObject.name%3Dweb-1")
    #expect(KubernetesClient.fieldSelectorEscaped("a,b=c\\") == "a\\,b\\=c\\\\")
  }

  @Test("get() passes the query and returns raw JSON; a 429 carries Retry-After")
  func rawGetAndRateLimit() async throws {
    try await FakeAPIServer.with(respond: { request in
      request.path == "/version"
        ? FakeAPIServer.json(["major": "1", "minor": "31"])
        : FakeAPIServer.status(
          429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
          headers: [("Retry-After", "2")])
    }) { server in
      let client = Self.client(server)
      let version = try await client.get("/version", query: [("a b", "c&d")])
      #expect(version["minor"]?.string == "31")
      #expect(server.requests.first?.queryValue("a b") == "c&d")
      let error = await #expect(throws: KubernetesError.self) { try await client.get("/api/v1/namespaces") }
      #expect(error?.code == .tooManyRequests)
      #expect(error?.retryAfter == .seconds(2))
      #expect(error?.isRetryable == true)
    }
  }

  @Test("The Authorization header follows a rotated token file; no token sends no header")
  func rotatedToken() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("token")
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    try TokenSourceTests.rewrite(path, "first-token", modified: start)
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(SampleObjects.node) }) { server in
      let client = Self.client(server, token: TokenSource(file: path))
      _ = try await client.node("node-b")
      try TokenSourceTests.rewrite(path, "second-token", modified: start.addingTimeInterval(60))
      _ = try await client.node("node-b")
      _ = try await Self.client(server, token: nil).node("node-b")
      #expect(server.requests.map { $0.headers["Authorization"] } == ["Bearer first-token", "Bearer second-token", nil])
    }
  }

  @Test("A 401 never carries the token, even if the server echoes it")
  func unauthorizedRedacts() async throws {
    try await FakeAPIServer.with(respond: { request in
      FakeAPIServer.text("Unauthorized: \(request.headers["Authorization"] ?? "")", status: 401)
    }) { server in
      let error = await #expect(throws: KubernetesError.self) { try await Self.client(server).node("node-b") }
      #expect(error?.code == .unauthorized)
      #expect(error?.message == "Unauthorized: Bearer [redacted]")
    }
  }

  @Test("Invalid names are refused before anything is sent")
  func invalidNames() async throws {
    try await FakeAPIServer.with(respond: { _ in FakeAPIServer.json(SampleObjects.pod) }) { server in
      let client = Self.client(server)
      let error = await #expect(throws: KubernetesError.self) { try await client.pod(namespace: "shop", name: "../nodes/x") }
      #expect(error?.code == .invalid)
      #expect(error?.status == nil)
      #expect(error?.message.contains("pod name '../nodes/x' is not valid") == true)
      await #expect(throws: KubernetesError.self) { try await client.pods(namespace: "Shop") }
      #expect(server.requests.isEmpty)
    }
  }

  @Test("A response that is not JSON, or a list without items, is unexpectedResponse")
  func unexpectedBodies() async throws {
    try await FakeAPIServer.with(respond: { request in
      request.path.hasSuffix("/pods")
        ? FakeAPIServer.json(["kind": "PodList"]) : FakeAPIServer.text("<html>hi</html>", status: 200)
    }) { server in
      let client = Self.client(server)
      let notJSON = await #expect(throws: KubernetesError.self) { try await client.node("node-b") }
      #expect(notJSON?.code == .unexpectedResponse)
      let noItems = await #expect(throws: KubernetesError.self) { try await client.pods(namespace: "shop") }
      #expect(noItems?.code == .unexpectedResponse)
    }
  }

  @Test("A refused connection is a retryable transport error")
  func connectionRefused() async throws {
    // Port 1 on loopback: nothing listens there in the test environment.
    let client = KubernetesClient(access: ClusterAccess(server: "http://127.0.0.1:1"), requestTimeout: .seconds(5))
    let error = await #expect(throws: KubernetesError.self) { try await client.node("node-b") }
    #expect(error?.code == .transport)
    #expect(error?.isRetryable == true)
  }
}
