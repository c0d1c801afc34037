import Foundation
import OCI

/// `podhop image build ARCHIVE --oci-layout DIR`: turns a kubelet checkpoint archive into a
/// checkpoint image in an OCI layout, offline, as the build stage does. For operators and
/// debugging; prints what it built as JSON.
enum ImageCommand {
  static let usage = """
    Usage: podhop image build ARCHIVE --oci-layout DIR [options]

    Builds a checkpoint image (one layer: the archive's files at the root; OCI manifest with the
    annotations CRI-O and containerd restore from) into the OCI image layout DIR.

    Options:
      --oci-layout DIR        Layout directory to write (created if missing).
      --tag TAG               Tag in the layout's index.json (default: checkpoint).
      --compression KIND      none, gzip or zstd (default: none; see bench/README.md).
      --container NAME        Original container name, when the archive does not name it.
      --migration ID          Migration id to record in the io.podhop.migration annotation.
      --help                  Show this text.

    """

  static func run(_ arguments: [String]) async -> Int32 {
    guard arguments.first == "build", !arguments.contains("--help") else {
      print(usage, terminator: "")
      return arguments.contains("--help") ? 0 : 2
    }
    var archive: String?
    var options: [String: String] = [:]
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
      if argument.hasPrefix("--") {
        guard ["--oci-layout", "--tag", "--compression", "--container", "--migration"].contains(argument) else {
          return fail("unknown option \(argument)")
        }
        guard let value = rest.popFirst() else { return fail("\(argument) needs a value") }
        options[argument] = value
      } else if archive == nil {
        archive = argument
      } else {
        return fail("one ARCHIVE only (got '\(argument)' too)")
      }
    }
    guard let archive else { return fail("ARCHIVE is required") }
    guard let layout = options["--oci-layout"] else { return fail("--oci-layout DIR is required") }
    guard let compression = Compression(rawValue: options["--compression"] ?? "none") else {
      return fail("--compression must be none, gzip or zstd")
    }
    do {
      let inspected = try await ImageBuilder.inspect(archive: archive)
      guard let container = options["--container"] ?? inspected.metadata.containerName else {
        return fail("the archive does not name its container; pass --container NAME")
      }
      let spec = CheckpointImageSpec(
        metadata: inspected.metadata, containerName: container, migrationID: options["--migration"], created: Date())
      let result = try await ImageBuilder.buildLayout(
        archive: archive, spec: spec, compression: compression, layoutDirectory: layout, tag: options["--tag"] ?? "checkpoint")
      let summary: [String: Any] = [
        "manifestDigest": result.manifestDigest, "layerDigest": result.layer.digest, "diffID": result.layer.diffID,
        "layerSizeBytes": result.layer.size, "layerMediaType": result.layer.mediaType, "annotations": result.annotations,
      ]
      let json = try JSONSerialization.data(
        withJSONObject: summary, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
      print(String(decoding: json, as: UTF8.self))
      return 0
    } catch {
      return fail(String(describing: error), code: 1)
    }
  }

  private static func fail(_ message: String, code: Int32 = 2) -> Int32 {
    FileHandle.standardError.write(Data("podhop image build: \(message)\n".utf8))
    return code
  }
}
