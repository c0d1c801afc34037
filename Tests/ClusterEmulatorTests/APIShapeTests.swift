import ClusterEmulator
import TestSupport
import Testing

@Suite("Cluster emulator: API objects and errors")
struct APIShapeTests {
  static let scenario = """
    {"nodes": [
       {"name": "node-a", "images": ["nginx:1.25"], "memory": "16Gi"},
       {"name": "node-b", "runtime": "containerd://2.1.4", "ready": false, "unschedulable": true}],
     "pods": [
       {"name": "web", "node": "node-a", "labels": {"app": "web"},
        "containers": [{"name": "app", "image": "nginx:1.25"}]},
       {"name": "db", "namespace": "data", "node": "node-a", "labels": {"app": "db"},
        "containers": [{"name": "db", "image": "redis:7"}]}]}
    """

  @Test("Nodes carry nodeInfo, conditions, labels, images and allocatable")
  func nodes() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let node = try await harness.api("GET", "/api/v1/nodes/node-a")
      #expect(node.status == 200)
      let json = node.json
      #expect(json["kind"] == "Node")
      #expect(json["status"]?["nodeInfo"]?["containerRuntimeVersion"] == "cri-o://1.31.3")
      #expect(json["status"]?["nodeInfo"]?["operatingSystem"] == "linux")
      #expect(json["status"]?["nodeInfo"]?["architecture"] == "amd64")
      #expect(json["status"]?["nodeInfo"]?["kubeletVersion"] == "v1.31.3")
      #expect(json["status"]?["allocatable"]?["memory"] == "16Gi")
      #expect(json["metadata"]?["labels"]?["kubernetes.io/hostname"] == "node-a")
      let ready = json["status"]?["conditions"]?.array?.first { $0["type"] == "Ready" }
      #expect(ready?["status"] == "True")
      let names = json["status"]?["images"]?.array?.flatMap { $0["names"]?.array ?? [] } ?? []
      #expect(names.contains("docker.io/library/nginx:1.25"))
      #expect(
        json["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.int
          == Int64(harness.emulator.kubeletPorts["node-a"] ?? 0))

      let list = try await harness.api("GET", "/api/v1/nodes").json
      #expect(list["kind"] == "NodeList")
      let other = list["items"]?.array?.first { $0["metadata"]?["name"] == "node-b" }
      #expect(other?["spec"]?["unschedulable"] == true)
      #expect(other?["status"]?["conditions"]?.array?.first { $0["type"] == "Ready" }?["status"] == "False")
      #expect(other?["status"]?["nodeInfo"]?["containerRuntimeVersion"] == "containerd://2.1.4")
      let missing = try await harness.api("GET", "/api/v1/nodes/nope")
      #expect(missing.status == 404)
      #expect(missing.json["reason"] == "NotFound")
      #expect(missing.json["message"] == "nodes \"nope\" not found")
    }
  }

  @Test("Seed pods run with status, podIP and nodeName; labelSelector filters the list")
  func pods() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let pod = try await harness.api("GET", "/api/v1/namespaces/default/pods/web").json
      #expect(pod["kind"] == "Pod")
      #expect(pod["spec"]?["nodeName"] == "node-a")
      #expect(pod["status"]?["phase"] == "Running")
      #expect(pod["status"]?["podIP"]?.string?.hasPrefix("10.244.") == true)
      #expect(pod["status"]?["conditions"]?.array?.first { $0["type"] == "Ready" }?["status"] == "True")
      let container = pod["status"]?["containerStatuses"]?.array?.first
      #expect(container?["name"] == "app")
      #expect(container?["ready"] == true)
      #expect(container?["image"] == "nginx:1.25")
      #expect(container?["imageID"]?.string?.hasPrefix("docker.io/library/nginx@sha256:") == true)
      #expect(container?["state"]?["running"]?["startedAt"]?.string != nil)
      #expect(container?["restartCount"] == 0)
      let mounts = pod["spec"]?["containers"]?.array?.first?["volumeMounts"]?.array ?? []
      #expect(mounts.contains { $0["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount" })

      let filtered = try await harness.api("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb").json
      #expect(filtered["kind"] == "PodList")
      #expect(filtered["items"]?.array?.count == 1)
      let none = try await harness.api("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Ddb").json
      #expect(none["items"]?.array?.isEmpty == true)
      let all = try await harness.api("GET", "/api/v1/pods?labelSelector=app%20in%20(web,db)").json
      #expect(all["items"]?.array?.count == 2)
    }
  }

  @Test("No or a wrong token gives 401 with a Status body")
  func unauthorized() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      for token in [nil, "wrong"] as [String?] {
        let response = try await harness.api("GET", "/api/v1/nodes", token: token)
        #expect(response.status == 401)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.json["kind"] == "Status")
        #expect(response.json["status"] == "Failure")
        #expect(response.json["reason"] == "Unauthorized")
        #expect(response.json["code"] == 401)
      }
    }
  }

  @Test("Creating a pod returns 201 with uid and resourceVersion; a taken name is 409, bad pods 422")
  func createPod() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let body =
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"copy","labels":{"x":"y"}},"spec":{"nodeName":"node-a","containers":[{"name":"app","image":"nginx:1.25"}]}}"#
      let created = try await harness.api("POST", "/api/v1/namespaces/default/pods", body: body)
      #expect(created.status == 201)
      #expect(created.json["metadata"]?["uid"]?.string?.count == 36)
      #expect(created.json["metadata"]?["creationTimestamp"]?.string?.hasSuffix("Z") == true)
      let version = Int(created.json["metadata"]?["resourceVersion"]?.string ?? "") ?? 0
      #expect(version > 0)

      let again = try await harness.api("POST", "/api/v1/namespaces/default/pods", body: body)
      #expect(again.status == 409)
      #expect(again.json["reason"] == "AlreadyExists")
      #expect(again.json["message"] == "pods \"copy\" already exists")
      #expect(again.json["details"]?["name"] == "copy")
      #expect(again.json["details"]?["kind"] == "pods")

      let invalid = try await harness.api(
        "POST", "/api/v1/namespaces/default/pods", body: #"{"metadata":{"name":"Bad_Name"},"spec":{}}"#)
      #expect(invalid.status == 422)
      #expect(invalid.json["reason"] == "Invalid")
      #expect(invalid.json["message"]?.string?.contains("spec.containers: Required value") == true)
      #expect(invalid.json["message"]?.string?.contains("metadata.name: Invalid value: \"Bad_Name\"") == true)

      let running = try await harness.waitForPod("copy") { $0["status"]?["phase"] == "Running" }
      #expect(running["status"]?["phase"] == "Running")
      let events = try await harness.api(
        "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dcopy"
      ).json
      #expect(events["kind"] == "EventList")
      let reasons = events["items"]?.array?.compactMap { $0["reason"]?.string } ?? []
      #expect(reasons == ["Pulled", "Created", "Started"])

      let deleted = try await harness.api("DELETE", "/api/v1/namespaces/default/pods/copy")
      #expect(deleted.status == 200)
      #expect(deleted.json["metadata"]?["deletionTimestamp"]?.string != nil)
      #expect(try await harness.api("GET", "/api/v1/namespaces/default/pods/copy").status == 404)
      #expect(harness.emulator.state()["deletedPods"]?.array?.first?["name"] == "copy")
    }
  }

  @Test("An image that is not on the node and not pullable ends in ErrImagePull")
  func errImagePull() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let body =
        #"{"metadata":{"name":"nopull"},"spec":{"nodeName":"node-a","containers":[{"name":"app","image":"example.invalid/app:1"}]}}"#
      #expect(try await harness.api("POST", "/api/v1/namespaces/default/pods", body: body).status == 201)
      let pod = try await harness.waitForPod("nopull") {
        $0["status"]?["containerStatuses"]?.array?.first?["state"]?["waiting"]?["reason"] == "ErrImagePull"
      }
      #expect(pod["status"]?["phase"] == "Pending")
    }
  }
}
