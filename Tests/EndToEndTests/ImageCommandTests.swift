import Foundation
import TestSupport
import Testing

/// `podhop image build` as an operator runs it, checked with skopeo and umoci.
@Suite("podhop image build")
struct ImageCommandTests {
  let directory: TemporaryDirectory

  init() throws { directory = try TemporaryDirectory() }

  /// Runs a command in the test directory; returns exit code, stdout and stderr.
  func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String, String) {
    let result = try await Command.run(executable, arguments, directory: directory.path)
    return (result.status, result.text, result.stderr)
  }

  /// A small archive in the kubelet's CRI-O layout (entries at the root).
  func makeArchive(_ name: String, extraEntry: String? = nil) async throws -> String {
    var entries: [TarFixture.Entry] = [
      .file("config.dump", #"{"name":"k8s_counter_counter-0_default_u_0","rootfsImageName":"docker.io/library/busybox:latest"}"#),
      .file(
        "spec.dump",
        #"{"annotations":{"io.container.manager":"cri-o","io.kubernetes.container.name":"counter","io.kubernetes.pod.name":"counter-0","io.kubernetes.pod.namespace":"default"}}"#
      ),
      .file("bind.mounts", "[]"), .directory("checkpoint"), .file("checkpoint/inventory.img", "inventory"),
      .file("checkpoint/pages-1.img", [UInt8](repeating: 0, count: 65536) + (0..<256 * 256).map { UInt8($0 % 256) }),
    ]
    if let extraEntry { entries.append(.file(extraEntry, "evil")) }
    let path = directory.file(name)
    try await TarFixture.write(entries, to: path)
    return path
  }

  @Test("builds an OCI layout that skopeo and umoci accept, with both restore annotations and the archive's files at the root")
  func build() async throws {
    let archive = try await makeArchive("checkpoint.tar")
    let (code, stdout, stderr) = try await run(
      PodhopProcess.executable, ["image", "build", archive, "--oci-layout", "layout", "--tag", "t1", "--compression", "gzip"])
    #expect(code == 0, "\(stderr)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    let digest = try #require(summary["manifestDigest"] as? String)

    let (inspectCode, raw, _) = try await run("/usr/bin/skopeo", ["inspect", "--raw", "oci:\(directory.file("layout")):t1"])
    #expect(inspectCode == 0)
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any])
    #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
    let annotations = manifest["annotations"] as? [String: String] ?? [:]
    #expect(annotations["io.kubernetes.cri-o.annotations.checkpoint.name"] == "counter")
    #expect(annotations["org.criu.checkpoint.container.name"] == "counter")
    let (_, sha, _) = try await run("/usr/bin/sha256sum", [directory.file("layout/blobs/sha256/\(digest.dropFirst(7))")])
    #expect(sha.hasPrefix(digest.dropFirst(7)))

    let (unpackCode, _, unpackError) = try await run(
      "/usr/bin/umoci", ["unpack", "--rootless", "--image", "layout:t1", "bundle"])
    #expect(unpackCode == 0, "\(unpackError)")
    for file in ["config.dump", "spec.dump", "bind.mounts", "checkpoint/inventory.img", "checkpoint/pages-1.img"] {
      #expect(FileManager.default.fileExists(atPath: directory.file("bundle/rootfs/\(file)")), "\(file)")
    }
  }

  @Test("refuses an archive with an entry that escapes the root, naming the entry")
  func hostile() async throws {
    let archive = try await makeArchive("evil.tar", extraEntry: "../escape")
    let (code, _, stderr) = try await run(PodhopProcess.executable, ["image", "build", archive, "--oci-layout", "layout"])
    #expect(code == 1)
    #expect(stderr.contains("../escape"))
  }

  @Test(
    "pushes to a real registry with the layer compressed on the way; skopeo reads the manifest back by digest",
    arguments: ["gzip", "zstd"])
  func push(compression: String) async throws {
    let registry = try await RegistryProcess.start(.plainHTTP)
    let archive = try await makeArchive("checkpoint.tar")
    let (code, stdout, stderr) = try await run(
      PodhopProcess.executable,
      [
        "image", "push", archive, "\(registry.address)/ops/counter:t1", "--compression", compression, "--insecure-registry",
        registry.address,
      ])
    #expect(code == 0, "\(stderr)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    let digest = try #require(summary["manifestDigest"] as? String)
    let raw = try await runTool(
      "/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(registry.address)/ops/counter@\(digest)"])
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any])
    let layer = try #require((manifest["layers"] as? [[String: Any]])?.first)
    #expect(layer["mediaType"] as? String == "application/vnd.oci.image.layer.v1.tar+\(compression)")
    #expect((manifest["annotations"] as? [String: String])?["org.criu.checkpoint.container.name"] == "counter")
    await registry.stop()
  }

  @Test("bad usage exits 2 and says what is missing")
  func usage() async throws {
    let (code, _, stderr) = try await run(PodhopProcess.executable, ["image", "build", "--compression", "brotli"])
    #expect(code == 2 && stderr.contains("ARCHIVE is required"))
  }
}
