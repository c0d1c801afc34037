import API
import Foundation
import HTTPClient
import OCI
import Registry
import Stages

/// `podhop image build ARCHIVE --oci-layout DIR` and `podhop image push ARCHIVE REFERENCE`: turn
/// a kubelet checkpoint archive into a checkpoint image, into an OCI layout or straight into a
/// registry, as the build and push stages do. For operators and debugging; prints JSON.
enum ImageCommand {
  static let usage = """
    Usage: podhop image build ARCHIVE --oci-layout DIR [options]
           podhop image push ARCHIVE HOST[:PORT]/REPOSITORY:TAG [options]

    Builds a checkpoint image (one layer: the archive's files at the root; OCI manifest with the
    annotations CRI-O and containerd restore from) into the OCI image layout DIR.

    Options:
      --oci-layout DIR        Layout directory to write (created if missing).
      --tag TAG               Tag in the layout's index.json (default: checkpoint).
      --compression KIND      none, gzip or zstd (default: none for build, gzip for push;
                              see bench/README.md).
      --container NAME        Original container name, when the archive does not name it.
      --migration ID          Migration id to record in the io.podhop.migration annotation.
    Push only (the layer is compressed while it is uploaded):
      --insecure-registry H:P Speak plain HTTP to this registry.
      --registry-auth-file F  containers auth.json or docker config.json with credentials.
      --registry-ca-file F    PEM CA for the registry's certificate.
      --registry-client-cert F, --registry-client-key F
                              PEM client certificate and key for mutual TLS.
      --help                  Show this text.

    """

  static func run(_ arguments: [String]) async -> Int32 {
    guard let verb = arguments.first, ["build", "push"].contains(verb), !arguments.contains("--help") else {
      print(usage, terminator: "")
      return arguments.contains("--help") ? 0 : 2
    }
    let allowed =
      verb == "build"
      ? ["--oci-layout", "--tag", "--compression", "--container", "--migration"]
      : [
        "--compression", "--container", "--migration", "--insecure-registry", "--registry-auth-file", "--registry-ca-file",
        "--registry-client-cert", "--registry-client-key",
      ]
    var positional: [String] = []
    var options: [String: String] = [:]
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
      if argument.hasPrefix("--") {
        guard allowed.contains(argument) else { return fail(verb, "unknown option \(argument)") }
        guard let value = rest.popFirst() else { return fail(verb, "\(argument) needs a value") }
        options[argument] = value
      } else {
        positional.append(argument)
      }
    }
    let wanted = verb == "build" ? 1 : 2
    guard positional.count == wanted else {
      return fail(verb, verb == "build" ? "ARCHIVE is required (once)" : "ARCHIVE and REFERENCE are required")
    }
    guard let compression = Compression(rawValue: options["--compression"] ?? (verb == "push" ? "gzip" : "none")) else {
      return fail(verb, "--compression must be none, gzip or zstd")
    }
    do {
      let summary =
        verb == "build"
        ? try await build(positional[0], options, compression)
        : try await push(positional[0], reference: positional[1], options, compression)
      let json = try JSONSerialization.data(
        withJSONObject: summary, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
      print(String(decoding: json, as: UTF8.self))
      return 0
    } catch let error as ConfigurationError {
      return fail(verb, error.description)
    } catch {
      return fail(verb, String(describing: error), code: 1)
    }
  }

  private static func build(_ archive: String, _ options: [String: String], _ compression: Compression) async throws -> [String:
    Any]
  {
    guard let layout = options["--oci-layout"] else { throw ConfigurationError("--oci-layout DIR is required") }
    let inspected = try await ImageBuilder.inspect(archive: archive)
    guard let container = options["--container"] ?? inspected.metadata.containerName else {
      throw ConfigurationError("the archive does not name its container; pass --container NAME")
    }
    let spec = CheckpointImageSpec(
      metadata: inspected.metadata, containerName: container, migrationID: options["--migration"], created: Date())
    let result = try await ImageBuilder.buildLayout(
      archive: archive, spec: spec, compression: compression, layoutDirectory: layout, tag: options["--tag"] ?? "checkpoint")
    return [
      "manifestDigest": result.manifestDigest, "layerDigest": result.layer.digest, "diffID": result.layer.diffID,
      "layerSizeBytes": result.layer.size, "layerMediaType": result.layer.mediaType, "annotations": result.annotations,
    ]
  }

  private static func push(
    _ archive: String, reference text: String, _ options: [String: String], _ compression: Compression
  ) async throws -> [String: Any] {
    let reference = try RegistryReference.parse(text)
    var credentials: [String: RegistryCredentials] = [:]
    if let file = options["--registry-auth-file"],
      let found = try RegistryCredentials.load(authFile: file, registry: reference.registry)
    {
      credentials[reference.registry] = found
    }
    func read(_ flag: String) throws -> [UInt8]? {
      try options[flag].map { path -> [UInt8] in
        guard let data = FileManager.default.contents(atPath: path) else {
          throw ConfigurationError("\(flag): cannot read \(path)")
        }
        return Array(data)
      }
    }
    let tls = TLSConfiguration(
      caPEM: try read("--registry-ca-file"), clientCertificatePEM: try read("--registry-client-cert"),
      clientKeyPEM: try read("--registry-client-key"))
    let registry = RegistryClient(
      configuration: RegistryConfiguration(
        plainHTTPRegistries: Set(options["--insecure-registry"].map { [$0] } ?? []), tls: tls, credentials: credentials))
    let started = ContinuousClock.now
    let (spec, _) = try await CheckpointImagePublisher.inspect(
      archive: archive, container: options["--container"], migrationID: options["--migration"], os: "linux",
      architecture: CheckpointImageSpec.hostArchitecture)
    let published = try await CheckpointImagePublisher(registry: registry).publish(
      archive: archive, spec: spec, compression: compression, to: reference)
    return [
      "reference": "\(reference.registry)/\(reference.repository)@\(published.manifestDigest)",
      "manifestDigest": published.manifestDigest, "layerDigest": published.layer.digest, "diffID": published.layer.diffID,
      "layerSizeBytes": published.layer.size, "layerMediaType": published.layer.mediaType,
      "seconds": (ContinuousClock.now - started) / .seconds(1),
    ]
  }

  private static func fail(_ verb: String, _ message: String, code: Int32 = 2) -> Int32 {
    FileHandle.standardError.write(Data("podhop image \(verb): \(message)\n".utf8))
    return code
  }
}
