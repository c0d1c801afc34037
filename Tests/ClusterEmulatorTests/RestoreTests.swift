import ClusterEmulator
import Foundation
import TestSupport
import Testing

@Suite("Cluster emulator: CRI-O restore from checkpoint images in a real registry")
struct RestoreTests {
  /// Checkpoints `web` on node-a, packs the archive as-is into a one-layer OCI image with both
  /// checkpoint annotations, pushes it with skopeo, and returns the image reference.
  private func pushCheckpointImage(_ harness: EmulatorHarness, registry: RegistryProcess) async throws -> String {
    let response = try await harness.api("POST", "/api/v1/nodes/node-a/proxy/checkpoint/default/web/app")
    let reported = try #require(response.json["items"]?.array?.first?.string)
    let archive =
      try #require(harness.emulator.checkpointDirectory(node: "node-a")) + "/"
      + (reported as NSString).lastPathComponent
    let layout = harness.directory.file("layout")
    let blobs = layout + "/blobs/sha256"
    try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
    func store(_ bytes: [UInt8]) async throws -> (digest: String, size: Int) {
      let temporary = layout + "/incoming"
      try Data(bytes).write(to: URL(fileURLWithPath: temporary))
      return try await storeFile(temporary)
    }
    func storeFile(_ path: String) async throws -> (digest: String, size: Int) {
      let sum = String(decoding: try await runTool("/usr/bin/sha256sum", [path]), as: UTF8.self)
      let hex = String(sum.prefix(64))
      let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
      try? FileManager.default.removeItem(atPath: blobs + "/" + hex)
      try FileManager.default.copyItem(atPath: path, toPath: blobs + "/" + hex)
      return ("sha256:" + hex, size)
    }
    // The kubelet's archive is already a valid uncompressed layer: digest = diff_id.
    let layer = try await storeFile(archive)
    let config: JSONValue = [
      "architecture": "amd64", "os": "linux", "config": [:],
      "rootfs": ["type": "layers", "diff_ids": [.string(layer.digest)]],
    ]
    let configBlob = try await store(config.encoded())
    let manifest: JSONValue = [
      "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "config": [
        "mediaType": "application/vnd.oci.image.config.v1+json", "digest": .string(configBlob.digest),
        "size": .int(Int64(configBlob.size)),
      ],
      "layers": [
        [
          "mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": .string(layer.digest),
          "size": .int(Int64(layer.size)),
        ]
      ],
      "annotations": [
        "io.kubernetes.cri-o.annotations.checkpoint.name": "app", "org.criu.checkpoint.container.name": "app",
      ],
    ]
    let manifestBlob = try await store(manifest.encoded())
    let index: JSONValue = [
      "schemaVersion": 2,
      "manifests": [
        [
          "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": .string(manifestBlob.digest),
          "size": .int(Int64(manifestBlob.size)), "annotations": ["org.opencontainers.image.ref.name": "v1"],
        ]
      ],
    ]
    try Data(index.encoded()).write(to: URL(fileURLWithPath: layout + "/index.json"))
    try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: layout + "/oci-layout"))
    try? FileManager.default.removeItem(atPath: layout + "/incoming")
    let image = "\(registry.address)/checkpoints/web:v1"
    try await runTool(
      "/usr/bin/skopeo",
      ["--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + image])
    return image
  }

  private func pod(_ name: String, node: String, image: String, mountData: Bool) -> String {
    let mounts = mountData ? #","volumeMounts":[{"name":"data","mountPath":"/data"}]"# : ""
    return """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},
       "spec":{"nodeName":"\(node)","volumes":[{"name":"data","emptyDir":{}}],
               "containers":[{"name":"app","image":"\(image)"\(mounts)}]}}
      """
  }

  private func waiting(_ pod: JSONValue) -> JSONValue? {
    pod["status"]?["containerStatuses"]?.array?.first?["state"]?["waiting"]
  }

  @Test("A checkpoint image restores Running/Ready; missing bind mounts and base image fail like CRI-O")
  func restore() async throws {
    let registry = try await RegistryProcess.start(.plainHTTP)
    let scenario = """
      {"plainHTTPRegistries": ["\(registry.address)"],
       "nodes": [
         {"name": "node-a", "images": ["nginx:1.25"]},
         {"name": "node-b", "images": ["nginx:1.25"]},
         {"name": "node-c"}],
       "pods": [
         {"name": "web", "node": "node-a", "memoryBytes": 262144,
          "containers": [{"name": "app", "image": "nginx:1.25", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
          "volumes": [{"name": "data", "emptyDir": {}}]}]}
      """
    do {
      try await EmulatorHarness.with(scenario) { harness in
        let image = try await pushCheckpointImage(harness, registry: registry)
        let create = { (name: String, node: String, mountData: Bool) in
          try await harness.api(
            "POST", "/api/v1/namespaces/default/pods", body: pod(name, node: node, image: image, mountData: mountData))
        }
        #expect(try await create("restored", "node-b", true).status == 201)
        #expect(try await create("unmounted", "node-b", false).status == 201)
        #expect(try await create("baseless", "node-c", true).status == 201)

        let restored = try await harness.waitForPod("restored") { $0["status"]?["phase"] == "Running" }
        #expect(restored["status"]?["phase"] == "Running")
        #expect(restored["status"]?["conditions"]?.array?.first { $0["type"] == "Ready" }?["status"] == "True")
        #expect(restored["status"]?["containerStatuses"]?.array?.first?["image"]?.string == image)
        let events = try await harness.api(
          "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Drestored"
        ).json
        #expect(events["items"]?.array?.compactMap { $0["reason"]?.string } == ["Pulling", "Pulled", "Created", "Started"])
        let state = harness.emulator.state()
        let container = state["pods"]?.array?.first { $0["name"] == "restored" }?["containers"]?.array?.first
        #expect(container?["restored"] == true)
        #expect(container?["restoredFrom"]?.string?.hasPrefix("\(registry.address)/checkpoints/web@sha256:") == true)
        #expect(container?["memoryBytes"] == 262144)

        let unmounted = try await harness.waitForPod("unmounted") { waiting($0)?["reason"] == "CreateContainerError" }
        #expect(waiting(unmounted)?["reason"] == "CreateContainerError")
        #expect(waiting(unmounted)?["message"] == "restoring container app expects following bind mounts defined (/data)")
        #expect(unmounted["status"]?["phase"] == "Pending")
        let failed = try await harness.api(
          "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dunmounted,reason%3DFailed"
        ).json
        #expect(failed["items"]?.array?.first?["type"] == "Warning")
        #expect(failed["items"]?.array?.first?["message"]?.string?.contains("expects following bind mounts") == true)

        let baseless = try await harness.waitForPod("baseless") { waiting($0)?["reason"] == "CreateContainerError" }
        #expect(waiting(baseless)?["message"] == "image not known")

        // A restored container can be checkpointed again, keeping the original base image.
        let again = try await harness.api("POST", "/api/v1/nodes/node-b/proxy/checkpoint/default/restored/app")
        #expect(again.status == 200)
      }
    } catch {
      await registry.stop()
      throw error
    }
    await registry.stop()
  }
}
