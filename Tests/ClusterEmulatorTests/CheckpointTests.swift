import ClusterEmulator
import Foundation
import TestSupport
import Testing

@Suite("Cluster emulator: kubelet checkpoint API")
struct CheckpointTests {
  static let scenario = """
    {"nodes": [
       {"name": "node-a", "images": ["nginx:1.25"]},
       {"name": "node-off", "checkpointGate": false},
       {"name": "node-old", "runtime": "containerd://1.7.22"}],
     "pods": [
       {"name": "web", "node": "node-a", "memoryBytes": 1048576,
        "containers": [{"name": "app", "image": "nginx:1.25", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
        "volumes": [{"name": "data", "emptyDir": {}}]},
       {"name": "off", "node": "node-off", "containers": [{"name": "app", "image": "nginx:1.25"}]},
       {"name": "old", "node": "node-old", "containers": [{"name": "app", "image": "nginx:1.25"}]}]}
    """

  @Test("A proxy checkpoint writes a 0600 tar with the CRI-O layout and the configured page size")
  func proxyCheckpoint() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let response = try await harness.api("POST", "/api/v1/nodes/node-a/proxy/checkpoint/default/web/app?timeout=60")
      #expect(response.status == 200)
      #expect(response.header("Content-Type") == "application/json")
      let path = try #require(response.json["items"]?.array?.first?.string)
      #expect(path.hasPrefix("/var/lib/kubelet/checkpoints/checkpoint-web_default-app-"))
      #expect(path.hasSuffix(".tar"))
      #expect(response.text == "{\"items\":[\"\(path)\"]}")

      let directory = try #require(harness.emulator.checkpointDirectory(node: "node-a"))
      let file = directory + "/" + (path as NSString).lastPathComponent
      let attributes = try FileManager.default.attributesOfItem(atPath: file)
      #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

      let listing = String(decoding: try await runTool("/usr/bin/tar", ["tvf", file]), as: UTF8.self)
      let entries = listing.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
      #expect(entries.map { String($0.last ?? "") } == FixtureListing.entries.map(\.name))
      #expect(entries.map { String($0.first ?? "") } == FixtureListing.entries.map(\.mode))
      #expect(entries.allSatisfy { $0.count > 1 && $0[1] == "root/root" })
      let pages = entries.first { $0.last == "checkpoint/pages-1.img" }
      #expect(pages.map { String($0[2]) } == "1048576")

      let config = try JSONValue.parse(try await runTool("/usr/bin/tar", ["xOf", file, "config.dump"]))
      #expect(config["name"]?.string?.hasPrefix("k8s_app_web_default_") == true)
      #expect(config["rootfsImageName"] == "docker.io/library/nginx:1.25")
      #expect(config["rootfsImageRef"]?.string?.count == 64)
      let spec = try JSONValue.parse(try await runTool("/usr/bin/tar", ["xOf", file, "spec.dump"]))
      #expect(spec["annotations"]?["io.container.manager"] == "cri-o")
      #expect(spec["annotations"]?["io.kubernetes.pod.name"] == "web")
      #expect(spec["annotations"]?["io.kubernetes.cri-o.Annotations"] != nil)
      let mounts = try JSONValue.parse(try await runTool("/usr/bin/tar", ["xOf", file, "bind.mounts"]))
      let destinations = Set(mounts.array?.compactMap { $0["destination"]?.string } ?? [])
      #expect(destinations == ["/data", "/var/run/secrets/kubernetes.io/serviceaccount"])

      let checkpoints = harness.emulator.state()["checkpoints"]?.array ?? []
      #expect(checkpoints.count == 1)
      #expect(checkpoints.first?["via"] == "proxy")
    }
  }

  @Test("Kubelet errors are plain text: gate off, unknown pod, unknown container, bad timeout, 403, 500")
  func errors() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let cases: [(node: String, path: String, token: String, status: Int, text: String)] = [
        ("node-off", "/checkpoint/default/off/app", EmulatorHarness.token, 404, "404 page not found\n"),
        ("node-a", "/checkpoint/default/nope/app", EmulatorHarness.token, 404, "pod does not exist"),
        ("node-a", "/checkpoint/default/off/app", EmulatorHarness.token, 404, "pod does not exist"),
        ("node-a", "/checkpoint/default/web/nope", EmulatorHarness.token, 404, "container nope does not exist"),
        (
          "node-a", "/checkpoint/default/web/app?timeout=soon", EmulatorHarness.token, 404,
          "cannot parse value of timeout parameter"
        ),
        (
          "node-a", "/checkpoint/default/web/app", EmulatorHarness.limitedToken, 403,
          "Forbidden (user=system:serviceaccount:default:limited, verb=create, resource=nodes, subresource(s)=[checkpoint])"
        ),
        (
          "node-old", "/checkpoint/default/old/app", EmulatorHarness.token, 500,
          "checkpointing of default/old/app failed (rpc error: code = Unimplemented desc = method CheckpointContainer not implemented)"
        ),
      ]
      for item in cases {
        let direct = try await harness.kubelet(item.node, "POST", item.path, token: item.token)
        #expect(direct.status == item.status, "\(item.path)")
        #expect(direct.text == item.text)
        #expect(direct.header("Content-Type") == "text/plain; charset=utf-8")
      }
      let unauthenticated = try await harness.kubelet("node-a", "POST", "/checkpoint/default/web/app", token: "wrong")
      #expect(unauthenticated.status == 401)
      #expect(unauthenticated.text == "Unauthorized")
      // Through the proxy the kubelet's plain text comes back as is.
      let proxied = try await harness.api("POST", "/api/v1/nodes/node-a/proxy/checkpoint/default/web/nope")
      #expect(proxied.status == 404)
      #expect(proxied.text == "container nope does not exist")
      let denied = try await harness.api(
        "POST", "/api/v1/nodes/node-a/proxy/checkpoint/default/web/app", token: EmulatorHarness.limitedToken)
      #expect(denied.status == 403)
      #expect(denied.json["reason"] == "Forbidden")
      #expect(denied.json["message"]?.string?.contains("cannot create resource \"nodes/proxy\"") == true)
    }
  }

  @Test("Injected faults: the next two checkpoints fail with 500, the third succeeds")
  func faults() async throws {
    try await EmulatorHarness.with(Self.scenario) { harness in
      let fault = try await harness.admin(
        "POST", "/emulator/faults",
        body:
          #"{"operation":"checkpoint","count":2,"status":500,"message":"rpc error: code = Unknown desc = cannot pause a paused container"}"#
      )
      #expect(fault.status == 201)
      let path = "/api/v1/nodes/node-a/proxy/checkpoint/default/web/app"
      for _ in 0..<2 {
        let failed = try await harness.api("POST", path)
        #expect(failed.status == 500)
        #expect(
          failed.text
            == "checkpointing of default/web/app failed (rpc error: code = Unknown desc = cannot pause a paused container)")
      }
      #expect(try await harness.api("POST", path).status == 200)

      _ = try await harness.admin(
        "POST", "/emulator/faults",
        body:
          #"{"operation":"getPod","count":1,"status":429,"reason":"TooManyRequests","message":"slow down","retryAfterSeconds":1}"#
      )
      let throttled = try await harness.api("GET", "/api/v1/namespaces/default/pods/web")
      #expect(throttled.status == 429)
      #expect(throttled.header("Retry-After") == "1")
      #expect(throttled.json["reason"] == "TooManyRequests")
      #expect(throttled.json["details"]?["retryAfterSeconds"] == 1)
      #expect(try await harness.api("GET", "/api/v1/namespaces/default/pods/web").status == 200)

      let state = try await harness.admin("GET", "/emulator/state").json
      #expect(state["requests"]?["checkpoint"] == 3)
      #expect(state["requests"]?["getPod"] == 2)
      #expect(state["checkpoints"]?.array?.count == 1)
      #expect(state["faults"]?.array?.isEmpty == true)
    }
  }
}
