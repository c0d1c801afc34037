import Foundation
import OCI
import Testing

@Suite("Checkpoint image config and manifest")
struct CheckpointImageTests {
  static let layer = LayerDigests(
    diffID: "sha256:" + String(repeating: "a", count: 64), digest: "sha256:" + String(repeating: "b", count: 64),
    size: 1234, uncompressedSize: 5678, mediaType: Compression.gzip.layerMediaType)

  static let spec = CheckpointImageSpec(
    containerName: "counter", podName: "counter-7d9f8b6c5d-x2k4p", namespace: "default",
    rootfsImageName: "quay.io/podhop/counter:1.4", runtime: "runc",
    checkpointedAt: Date(timeIntervalSince1970: 1_699_999_985.5), os: "linux", architecture: "amd64",
    migrationID: "mig-0001", created: Date(timeIntervalSince1970: 1_700_000_100))

  @Test("the config has the platform, the layer's diffID, history and an empty config")
  func config() async throws {
    let image = CheckpointImage(spec: Self.spec, layer: Self.layer)
    let config = try #require(try JSONSerialization.jsonObject(with: Data(image.config)) as? [String: Any])
    #expect(config["architecture"] as? String == "amd64")
    #expect(config["os"] as? String == "linux")
    #expect(config["created"] as? String == "2023-11-14T22:15:00Z")
    let rootfs = try #require(config["rootfs"] as? [String: Any])
    #expect(rootfs["type"] as? String == "layers")
    #expect(rootfs["diff_ids"] as? [String] == [Self.layer.diffID])
    let history = try #require(config["history"] as? [[String: Any]])
    #expect(history.count == 1)
    #expect(history[0]["created_by"] as? String == "podhop checkpoint default/counter-7d9f8b6c5d-x2k4p/counter")
    #expect((config["config"] as? [String: Any])?.isEmpty == true)
    #expect(image.configDescriptor.mediaType == "application/vnd.oci.image.config.v1+json")
    #expect(image.configDescriptor.size == Int64(image.config.count))
  }

  @Test("the manifest is OCI, has one layer and both runtimes' checkpoint annotations")
  func manifest() async throws {
    let image = CheckpointImage(spec: Self.spec, layer: Self.layer)
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(image.manifest)) as? [String: Any])
    #expect(manifest["schemaVersion"] as? Int == 2)
    #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
    let config = try #require(manifest["config"] as? [String: Any])
    #expect(config["digest"] as? String == image.configDescriptor.digest)
    #expect(config["mediaType"] as? String == "application/vnd.oci.image.config.v1+json")
    let layers = try #require(manifest["layers"] as? [[String: Any]])
    #expect(layers.count == 1)
    #expect(layers[0]["digest"] as? String == Self.layer.digest)
    #expect(layers[0]["size"] as? Int == 1234)
    #expect(layers[0]["mediaType"] as? String == "application/vnd.oci.image.layer.v1.tar+gzip")
    let annotations = try #require(manifest["annotations"] as? [String: String])
    #expect(annotations == image.annotations)
    #expect(annotations["io.kubernetes.cri-o.annotations.checkpoint.name"] == "counter")
    #expect(annotations["org.criu.checkpoint.container.name"] == "counter")
    #expect(annotations["org.criu.checkpoint.pod.name"] == "counter-7d9f8b6c5d-x2k4p")
    #expect(annotations["org.criu.checkpoint.pod.namespace"] == "default")
    #expect(annotations["org.criu.checkpoint.rootfsImageName"] == "quay.io/podhop/counter:1.4")
    #expect(annotations["io.kubernetes.cri-o.annotations.checkpoint.rootfsImageName"] == "quay.io/podhop/counter:1.4")
    #expect(annotations["org.criu.checkpoint.runtime.name"] == "runc")
    #expect(annotations["io.podhop.checkpoint.time"] == "2023-11-14T22:13:05.5Z")
    #expect(annotations["io.podhop.migration"] == "mig-0001")
    #expect(annotations["io.podhop.archive.sha256"] == String(repeating: "a", count: 64))
    #expect(annotations["org.criu.checkpoint.rootfsImageID"] == nil)
  }

  @Test("the manifest has the same shape as the one buildah wrote in the tutorial")
  func matchesBuildahShape() async throws {
    let reference = try #require(
      try JSONSerialization.jsonObject(with: CheckpointFixture.fixture("buildah-tutorial.manifest.json")) as? [String: Any])
    let image = CheckpointImage(spec: Self.spec, layer: Self.layer)
    let ours = try #require(try JSONSerialization.jsonObject(with: Data(image.manifest)) as? [String: Any])
    #expect(Set(ours.keys) == Set(reference.keys))
    #expect(ours["mediaType"] as? String == reference["mediaType"] as? String)
    let referenceConfig = try #require(reference["config"] as? [String: Any])
    #expect((ours["config"] as? [String: Any])?["mediaType"] as? String == referenceConfig["mediaType"] as? String)
    let referenceAnnotations = try #require(reference["annotations"] as? [String: String])
    #expect(referenceAnnotations["io.kubernetes.cri-o.annotations.checkpoint.name"] != nil)
    #expect(image.annotations["io.kubernetes.cri-o.annotations.checkpoint.name"] != nil)
  }

  @Test("the same inputs give byte-identical documents; a different input changes the digest")
  func deterministic() {
    let first = CheckpointImage(spec: Self.spec, layer: Self.layer)
    let second = CheckpointImage(spec: Self.spec, layer: Self.layer)
    #expect(first == second)
    #expect(first.manifestDescriptor.digest == second.manifestDescriptor.digest)
    var other = Self.spec
    other.migrationID = "mig-0002"
    #expect(CheckpointImage(spec: other, layer: Self.layer).manifestDescriptor.digest != first.manifestDescriptor.digest)
    #expect(!String(decoding: first.manifest, as: UTF8.self).contains("\\/"))
  }

  @Test("a spec can be made from archive metadata")
  func specFromMetadata() {
    let metadata = CheckpointMetadata(
      containerName: "app", podName: "web-0", namespace: "shop", rootfsImageName: "nginx:latest", runtime: "crun")
    let spec = CheckpointImageSpec(metadata: metadata, migrationID: "m1", created: Date(timeIntervalSince1970: 0))
    #expect(spec.containerName == "app" && spec.podName == "web-0" && spec.namespace == "shop")
    #expect(spec.rootfsImageName == "nginx:latest" && spec.runtime == "crun" && spec.migrationID == "m1")
    #expect(spec.os == "linux" && !spec.architecture.isEmpty)
  }
}
