import Crypto
import Foundation

/// "Pulls" images for the node runtimes: reads manifests from the configured plain-HTTP
/// registries with `skopeo inspect --raw`, and copies + unpacks checkpoint images with
/// `skopeo copy` and `umoci unpack --rootless`.
struct RegistryPuller: Sendable {
  static let checkpointKeys = ["io.kubernetes.cri-o.annotations.checkpoint.name", "org.criu.checkpoint.container.name"]
  static let ociManifest = "application/vnd.oci.image.manifest.v1+json"

  /// `host:port` of plain-HTTP registries.
  let plainHTTPRegistries: [String]
  /// Where checkpoint images are copied and unpacked.
  let workDirectory: String

  /// Pulls `image` for `node`; the error text is what the kubelet shows after ErrImagePull.
  func pull(_ image: String, node: NodeRecord) async -> Result<NodeImage, EmulatorError> {
    let reference = ImageReference(image)
    guard plainHTTPRegistries.contains(reference.host) else {
      if node.config.allowPulls ?? false {
        return .success(
          NodeImage(names: [reference.normalized], id: ImageReference.syntheticID(for: image), sizeBytes: 30_000_000))
      }
      let host = reference.host == "docker.io" ? "registry-1.docker.io" : reference.host
      return .failure(
        EmulatorError(
          "rpc error: code = Unknown desc = pinging container registry \(host): Get \"https://\(host)/v2/\": dial tcp: lookup \(host): no such host"
        ))
    }
    do {
      var raw = try await inspect(reference.normalized)
      var manifest = try JSONValue.parse(raw)
      if manifest["manifests"] != nil {
        // An index: pick the node's platform, as the runtime does.
        let os = node.config.os ?? "linux"
        let architecture = node.config.architecture ?? "amd64"
        guard
          let entry = (manifest["manifests"]?.array ?? []).first(where: {
            $0["platform"]?["os"]?.string == os && $0["platform"]?["architecture"]?.string == architecture
          }), let digest = entry["digest"]?.string
        else {
          return .failure(
            EmulatorError(
              "rpc error: code = Unknown desc = choosing image instance: no image found in image index for architecture \(architecture), variant \"\", OS \(os)"
            ))
        }
        raw = try await inspect(reference.name + "@" + digest)
        manifest = try JSONValue.parse(raw)
      }
      let digest = "sha256:" + SHA256.hexDigest(raw)
      let isOCI =
        manifest["mediaType"]?.string == Self.ociManifest
        || (manifest["mediaType"] == nil
          && manifest["config"]?["mediaType"]?.string == "application/vnd.oci.image.config.v1+json")
      // Runtimes read annotations only from an OCI image manifest.
      let annotations = isOCI ? manifest["annotations"]?.stringMap ?? [:] : [:]
      let configDigest = manifest["config"]?["digest"]?.string ?? digest
      let size =
        (manifest["layers"]?.array ?? []).compactMap { $0["size"]?.int }.reduce(0, +)
        + (manifest["config"]?["size"]?.int ?? 0)
      let repoDigest = reference.name + "@" + digest
      var pulled = NodeImage(
        names: [reference.normalized, repoDigest].uniqued(),
        id: String(configDigest.split(separator: ":").last ?? ""), sizeBytes: size)
      if Self.checkpointKeys.contains(where: { annotations[$0] != nil }) {
        let rootfs = try await unpack(repoDigest, node: node.name)
        pulled.checkpoint = CheckpointImage(repoDigest: repoDigest, annotations: annotations, rootfs: rootfs)
      }
      return .success(pulled)
    } catch {
      return .failure(EmulatorError("rpc error: code = Unknown desc = \(Self.cleaned(String(describing: error)))"))
    }
  }

  private func inspect(_ reference: String) async throws -> [UInt8] {
    try await ToolRunner.run("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://" + reference])
  }

  /// Copies the image into an OCI layout and unpacks it; returns the rootfs path.
  private func unpack(_ reference: String, node: String) async throws -> String {
    let directory = workDirectory + "/" + node + "/" + UUID().uuidString.lowercased()
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try await ToolRunner.run(
      "/usr/bin/skopeo",
      [
        "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false", "docker://" + reference,
        "oci:" + directory + "/oci:image",
      ])
    try await ToolRunner.run(
      "/usr/bin/umoci", ["unpack", "--rootless", "--image", directory + "/oci:image", directory + "/bundle"])
    return directory + "/bundle/rootfs"
  }

  /// skopeo prints `time="…" level=fatal msg="…"`; keep the message.
  static func cleaned(_ text: String) -> String {
    guard let start = text.range(of: "msg=\"") else { return text }
    var message = String(text[start.upperBound...])
    if message.hasSuffix("\"") { message.removeLast() }
    return message.replacingOccurrences(of: "\\\"", with: "\"")
  }
}

extension Array where Element: Hashable {
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
