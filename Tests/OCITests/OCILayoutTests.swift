import Foundation
import OCI
import TestSupport
import Testing

@Suite("OCI layout")
struct OCILayoutTests {
  static let spec = CheckpointImageSpec(
    containerName: "counter", podName: "counter-7d9f8b6c5d-x2k4p", namespace: "default",
    rootfsImageName: "quay.io/podhop/counter:1.4", migrationID: "mig-42", created: Date(timeIntervalSince1970: 1_700_000_100))

  @Test(
    "umoci unpacks the layout to the archive's files; skopeo shows the OCI manifest with both annotations",
    arguments: Compression.allCases)
  func unpacksWithUmociAndSkopeo(compression: Compression) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory, longNames: true)
    let layout = directory.file("layout")
    let result = try await ImageBuilder.buildLayout(
      archive: fixture.archive, spec: Self.spec, compression: compression, layoutDirectory: layout, tag: "ckpt")
    #expect(result.layer.diffID == (try await Shell.sha256sum(fixture.archive)))
    #expect(result.layer.mediaType == compression.layerMediaType)
    #expect(try await Shell.sha256sum(layout + "/blobs/sha256/" + result.layer.digest.dropFirst(7)) == result.layer.digest)

    // umoci 0.4.7 predates zstd layers; for those, skopeo (containers/image, which CRI-O uses)
    // decompresses and re-digests the layer while copying it to a gzip layout for umoci.
    var unpackable = layout
    if compression == .zstd {
      unpackable = directory.file("layout-gzip")
      try await Shell.run(["skopeo", "copy", "--dest-compress-format", "gzip", "oci:\(layout):ckpt", "oci:\(unpackable):ckpt"])
    }
    let bundle = directory.file("bundle")
    try await Shell.run(["umoci", "unpack", "--rootless", "--image", unpackable + ":ckpt", bundle])
    for file in fixture.files + ["config.dump", "spec.dump", "bind.mounts"] {
      let original = try Data(contentsOf: URL(fileURLWithPath: fixture.sourceDirectory + "/" + file))
      let unpacked = try Data(contentsOf: URL(fileURLWithPath: bundle + "/rootfs/" + file))
      #expect(original == unpacked, "\(file) differs after umoci unpack")
    }
    var isDirectory: ObjCBool = false
    #expect(
      FileManager.default.fileExists(atPath: bundle + "/rootfs/checkpoint", isDirectory: &isDirectory) && isDirectory.boolValue)

    let raw = try await Shell.run(["skopeo", "inspect", "--raw", "oci:\(layout):ckpt"])
    #expect("sha256:" + (await sha256Hex(raw)) == result.manifestDigest)
    let manifest = try #require(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
    #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
    let annotations = try #require(manifest["annotations"] as? [String: String])
    #expect(annotations["io.kubernetes.cri-o.annotations.checkpoint.name"] == "counter")
    #expect(annotations["org.criu.checkpoint.container.name"] == "counter")
    #expect(annotations == result.annotations)

    let config = try await Shell.run(["skopeo", "inspect", "--config", "--raw", "oci:\(layout):ckpt"])
    let rootfs = try #require((try JSONSerialization.jsonObject(with: config) as? [String: Any])?["rootfs"] as? [String: Any])
    #expect(rootfs["diff_ids"] as? [String] == [result.layer.diffID])
  }

  @Test("building twice from the same inputs gives the same manifest digest and leaves no temporary files")
  func deterministicAndIdempotent() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory)
    let layout = directory.file("layout")
    let first = try await ImageBuilder.buildLayout(
      archive: fixture.archive, spec: Self.spec, compression: .gzip, layoutDirectory: layout, tag: "v1")
    let again = try await ImageBuilder.buildLayout(
      archive: fixture.archive, spec: Self.spec, compression: .gzip, layoutDirectory: layout, tag: "v1")
    let elsewhere = try await ImageBuilder.buildLayout(
      archive: fixture.archive, spec: Self.spec, compression: .gzip, layoutDirectory: directory.file("other"), tag: "v1")
    #expect(first == again)
    #expect(first.manifestDigest == elsewhere.manifestDigest)

    let index = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/index.json"))) as? [String: Any])
    let manifests = try #require(index["manifests"] as? [[String: Any]])
    #expect(manifests.count == 1)
    #expect((manifests[0]["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == "v1")
    #expect(manifests[0]["digest"] as? String == first.manifestDigest)
    let blobs = try FileManager.default.contentsOfDirectory(atPath: layout + "/blobs/sha256")
    #expect(blobs.count == 3)
    #expect(!blobs.contains { $0.hasPrefix(".") })
    let marker = try String(contentsOfFile: layout + "/oci-layout", encoding: .utf8)
    #expect(marker == #"{"imageLayoutVersion":"1.0.0"}"#)
  }

  @Test("a second tag is added beside the first")
  func secondTag() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory)
    let layout = directory.file("layout")
    _ = try await ImageBuilder.buildLayout(
      archive: fixture.archive, spec: Self.spec, compression: .none, layoutDirectory: layout, tag: "a")
    _ = try await ImageBuilder.buildLayout(
      archive: fixture.archive, spec: Self.spec, compression: .zstd, layoutDirectory: layout, tag: "b")
    try await Shell.run(["skopeo", "inspect", "--raw", "oci:\(layout):a"])
    try await Shell.run(["skopeo", "inspect", "--raw", "oci:\(layout):b"])
  }

  @Test("an unsafe archive is refused before anything is written")
  func refusesUnsafeArchive() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let tar = try TarBuilder(path: directory.file("bad.tar"))
    try tar.checkpointBasics()
    try tar.symlink("checkpoint/escape", to: "/etc/shadow")
    try tar.finish()
    await #expect(throws: ImageError.self) {
      try await ImageBuilder.buildLayout(
        archive: tar.path, spec: Self.spec, compression: .gzip, layoutDirectory: directory.file("layout"), tag: "x")
    }
    #expect(!FileManager.default.fileExists(atPath: directory.file("layout")))
  }
}

func sha256Hex(_ data: Data) async -> String {
  // The test target does not link Crypto directly; sha256sum is the independent check anyway.
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("podhop-hash-\(UUID().uuidString)").path
  defer { try? FileManager.default.removeItem(atPath: path) }
  try? data.write(to: URL(fileURLWithPath: path))
  return (try? await Shell.sha256sum(path)).map { String($0.dropFirst(7)) } ?? ""
}
