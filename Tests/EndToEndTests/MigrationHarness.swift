import Foundation
import TestSupport

/// podhop serve, the cluster emulator and a real docker-registry on 127.0.0.1, wired as a user
/// wires them: podhop reads the emulator's kubeconfig, the source node's archive directory and
/// pushes to the registry.
final class MigrationHarness: Sendable {
  static let token = "e2e-admin-token-0123456789"
  static let adminToken = "emulator-admin-0123456789"

  let directory: TemporaryDirectory
  let registry: RegistryProcess
  let emulator: EmulatorProcess
  let podhop: PodhopProcess
  let port: UInt16
  /// `podhop serve`'s arguments, for `startPodhop()`.
  let arguments: [String]

  /// `nodes` and `pods` are scenario JSON fragments (see Sources/ClusterEmulator's README);
  /// `serveArguments` are added to `podhop serve`'s (the last of a repeated flag wins; paths
  /// relative to `directory`, where `files` are written first).
  init(nodes: [String], pods: [String], serveArguments: [String] = [], files: [String: String] = [:]) async throws {
    directory = try TemporaryDirectory()
    registry = try await RegistryProcess.start(.plainHTTP)
    let checkpoints = directory.file("checkpoints")
    try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
    let scenario = """
      {"stateDirectory": "\(directory.file("emulator"))", "adminToken": "\(Self.adminToken)",
       "tokens": [{"name": "podhop", "token": "cluster-token-0123456789", "user": "system:serviceaccount:podhop:podhop"}],
       "plainHTTPRegistries": ["\(registry.address)"],
       "nodes": [\(nodes.map { $0.replacingOccurrences(of: "CHECKPOINTS", with: checkpoints) }.joined(separator: ","))],
       "pods": [\(pods.joined(separator: ","))]}
      """
    try scenario.write(toFile: directory.file("scenario.json"), atomically: true, encoding: .utf8)
    emulator = try await EmulatorProcess(
      scenario: directory.file("scenario.json"), arguments: ["--write-kubeconfig", directory.file("kubeconfig")])
    try "e2e admin \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
    for (name, contents) in files { try contents.write(toFile: directory.file(name), atomically: true, encoding: .utf8) }
    arguments =
      [
        "serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0",
        "--kubeconfig", directory.file("kubeconfig"), "--checkpoint-dir", checkpoints,
        "--registry", "\(registry.address)/podhop", "--insecure-registry", registry.address,
        "--retry-base-seconds", "0.05", "--retry-max-seconds", "0.2", "--restore-timeout-seconds", "20",
      ] + serveArguments
    podhop = try PodhopProcess(arguments, directory: directory.path)
    port = try await podhop.waitForPort()
  }

  /// A node on CRI-O 1.31.3 with busybox, writing archives into the shared directory.
  static func node(_ name: String, runtime: String = "cri-o://1.31.3", extra: String = "") -> String {
    """
    {"name": "\(name)", "os": "linux", "architecture": "amd64", "runtime": "\(runtime)", "kubeletVersion": "v1.31.3",
     "images": ["docker.io/library/busybox:latest"], "checkpointGate": true, "checkpointDirectory": "CHECKPOINTS"\(extra)}
    """
  }

  /// A one-container busybox pod whose checkpoints hold `memoryBytes` of memory pages.
  static func pod(_ name: String, node: String = "node-a", memoryBytes: Int = 1 << 20) -> String {
    """
    {"namespace": "default", "name": "\(name)", "node": "\(node)", "labels": {"app": "\(name)"},
     "containers": [{"name": "app", "image": "docker.io/library/busybox:latest"}], "memoryBytes": \(memoryBytes)}
    """
  }

  /// Another `podhop serve` on the same database and cluster (after the first one has gone).
  func startPodhop() throws -> PodhopProcess {
    try PodhopProcess(arguments, directory: directory.path)
  }

  func stop() async {
    podhop.signal(SIGTERM)
    _ = await podhop.waitForExit()
    _ = await emulator.stop()
    await registry.stop()
    directory.remove()
  }

  /// POST /v1/migrations; returns the job id.
  func migrate(_ pod: String, to node: String, policy: String = "delete") async throws -> String {
    let response = try await RawHTTPClient.request(
      port: port, "POST", "/v1/migrations",
      headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")],
      body: Array(#"{"source":{"namespace":"default","pod":"\#(pod)"},"targetNode":"\#(node)","sourcePolicy":"\#(policy)"}"#.utf8)
    )
    guard response.status == 202, let id = try object(response.body)["id"] as? String else {
      throw RawHTTPClientError(description: "POST answered \(response.status): \(response.text)")
    }
    return id
  }

  /// The job once it has finished (bounded wait).
  func finished(_ id: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
    var job: [String: Any] = [:]
    _ = try await eventually(timeout: timeout, every: .milliseconds(100)) {
      job = try await get("/v1/migrations/\(id)")
      return ["succeeded", "failed", "canceled"].contains(job["state"] as? String ?? "")
    }
    return job
  }

  func events(_ id: String) async throws -> [[String: Any]] {
    try await get("/v1/migrations/\(id)/events")["items"] as? [[String: Any]] ?? []
  }

  func get(_ target: String) async throws -> [String: Any] {
    let response = try await RawHTTPClient.request(
      port: port, "GET", target, headers: [("Authorization", "Bearer \(Self.token)")])
    return try object(response.body)
  }

  /// The emulator's admin state (nodes, pods with restored flags, checkpoints written).
  func clusterState() async throws -> [String: Any] {
    let response = try await RawHTTPClient.request(
      port: emulator.adminPort, "GET", "/emulator/state", headers: [("Authorization", "Bearer \(Self.adminToken)")])
    return try object(response.body)
  }

  /// Makes the next `count` requests of `operation` fail in the emulator.
  func inject(_ operation: String, count: Int, status: Int, message: String) async throws {
    try await injectRaw(#"{"operation":"\#(operation)","count":\#(count),"status":\#(status),"message":"\#(message)"}"#)
  }

  /// Adds a fault given as the emulator's JSON (see Sources/ClusterEmulator's README).
  func injectRaw(_ body: String) async throws {
    let response = try await RawHTTPClient.request(
      port: emulator.adminPort, "POST", "/emulator/faults",
      headers: [("Authorization", "Bearer \(Self.adminToken)"), ("Content-Type", "application/json")], body: Array(body.utf8))
    guard (200..<300).contains(response.status) else {
      throw RawHTTPClientError(description: "fault: \(response.status) \(response.text)")
    }
  }

  func object(_ bytes: [UInt8]) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
      throw RawHTTPClientError(description: "not a JSON object")
    }
    return object
  }
}
