import ClusterEmulator
import TestSupport
import Testing

@Suite("Cluster emulator: admin API")
struct AdminTests {
  @Test("Seed pods and nodes are added at run time, reset returns to the scenario, the admin token is required")
  func seedAndReset() async throws {
    try await EmulatorHarness.with(#"{"nodes": [{"name": "node-a"}]}"#) { harness in
      #expect(try await Curl.request("GET", "http://127.0.0.1:\(harness.emulator.adminPort)/emulator/state").status == 401)
      let node = try await harness.admin("POST", "/emulator/nodes", body: #"{"name": "node-z", "checkpointGate": false}"#)
      #expect(node.status == 201)
      #expect(harness.emulator.kubeletPorts["node-z"] != nil)
      let pod = try await harness.admin(
        "POST", "/emulator/pods",
        body: #"{"name": "late", "node": "node-z", "containers": [{"name": "c", "image": "busybox:1.36"}]}"#)
      #expect(pod.status == 201)
      #expect(try await harness.api("GET", "/api/v1/namespaces/default/pods/late").json["status"]?["phase"] == "Running")
      #expect(try await harness.kubelet("node-z", "POST", "/checkpoint/default/late/c").text == "404 page not found\n")

      let reset = try await harness.admin("POST", "/emulator/reset")
      #expect(reset.status == 200)
      #expect(try await harness.api("GET", "/api/v1/namespaces/default/pods/late").status == 404)
      #expect(try await harness.api("GET", "/api/v1/nodes/node-z").status == 404)
      #expect(harness.emulator.kubeletPorts["node-z"] == nil)
      #expect(harness.emulator.kubeletPorts["node-a"] != nil)
    }
  }
}
