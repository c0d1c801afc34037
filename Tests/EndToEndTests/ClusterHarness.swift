import Foundation
import Synchronization
import TestSupport

/// podhop deployed as on a cluster, on 127.0.0.1: the controller with in-cluster configuration
/// (KUBERNETES_SERVICE_HOST/PORT and a service-account directory holding the emulator's CA and
/// a token), one real `podhop agent` per emulated node with that node's own checkpoint
/// directory, the agents' pods known to the emulator (label, nodeName, podIP 127.0.0.1, the
/// container port named `agent`), and a real docker-registry.
final class ClusterHarness: Sendable {
  static let token = "e2e-admin-token-0123456789"
  static let agentToken = "e2e-agent-token-0123456789"
  static let adminToken = "emulator-admin-0123456789"
  static let nodes = ["node-a", "node-b"]

  let directory: TemporaryDirectory
  let registry: RegistryProcess
  let emulator: EmulatorProcess
  let port: UInt16
  private let controllerProcess: Mutex<PodhopProcess>
  private let controllerArguments: [String]
  private let controllerEnvironment: [String: String]
  /// Each node's agent port; the processes are in `agents`, replaced by `restartAgent`.
  let agentPorts: [String: UInt16]
  private let agentProcesses: Agents

  private final class Agents: Sendable {
    let value: Mutex<[String: PodhopProcess]>
    init(_ agents: [String: PodhopProcess]) { value = Mutex(agents) }
  }

  /// - Parameters:
  ///   - memoryBytes: the size of the pod's memory image, which sets the archive's size.
  ///   - registryVariant: `.basicAuth` gives a registry the agents hold no credentials for.
  ///   - controllerAgentToken: the agent token the controller sends, when it should differ.
  init(
    memoryBytes: Int = 1 << 20, registryVariant: RegistryProcess.Variant = .plainHTTP, controllerAgentToken: String? = nil
  ) async throws {
    let directory = try TemporaryDirectory()
    self.directory = directory
    let registry = try await RegistryProcess.start(registryVariant)
    self.registry = registry
    try "\(Self.agentToken)\n".write(toFile: directory.file("agent-token"), atomically: true, encoding: .utf8)
    var agents: [String: PodhopProcess] = [:]
    var ports: [String: UInt16] = [:]
    for node in Self.nodes {
      try FileManager.default.createDirectory(atPath: directory.file("checkpoints-\(node)"), withIntermediateDirectories: true)
      let agent = try Self.startAgent(node, port: 0, directory: directory, registry: registry.address)
      agents[node] = agent
      ports[node] = try await agent.waitForPort()
    }
    agentPorts = ports
    agentProcesses = Agents(agents)

    let nodeJSON = Self.nodes.map { node in
      """
      {"name": "\(node)", "os": "linux", "architecture": "amd64", "runtime": "cri-o://1.31.3", "kubeletVersion": "v1.31.3",
       "images": ["docker.io/library/busybox:latest"], "checkpointDirectory": "\(directory.file("checkpoints-\(node)"))"}
      """
    }
    let agentPods = Self.nodes.map { node in
      """
      {"namespace": "podhop", "name": "podhop-agent-\(node)", "node": "\(node)", "podIP": "127.0.0.1",
       "labels": {"app.kubernetes.io/name": "podhop-agent"},
       "containers": [{"name": "agent", "image": "ghcr.io/podhop/podhop:dev", "ports": [{"name": "agent", "containerPort": \(ports[node]!)}]}]}
      """
    }
    let counter = """
      {"namespace": "default", "name": "counter", "node": "node-a", "labels": {"app": "counter"},
       "containers": [{"name": "app", "image": "docker.io/library/busybox:latest"}], "memoryBytes": \(memoryBytes)}
      """
    let scenario = """
      {"stateDirectory": "\(directory.file("emulator"))", "adminToken": "\(Self.adminToken)",
       "tokens": [{"name": "podhop", "token": "cluster-token-0123456789", "user": "system:serviceaccount:podhop:podhop"}],
       "plainHTTPRegistries": ["\(registry.address)"],
       "nodes": [\(nodeJSON.joined(separator: ","))], "pods": [\((agentPods + [counter]).joined(separator: ","))]}
      """
    try scenario.write(toFile: directory.file("scenario.json"), atomically: true, encoding: .utf8)
    let emulator = try await EmulatorProcess(scenario: directory.file("scenario.json"))
    self.emulator = emulator

    // The service account as Kubernetes mounts it: token and the cluster CA.
    let serviceAccount = directory.file("serviceaccount")
    try FileManager.default.createDirectory(atPath: serviceAccount, withIntermediateDirectories: true)
    try "cluster-token-0123456789".write(toFile: serviceAccount + "/token", atomically: true, encoding: .utf8)
    let ca = try await RawHTTPClient.request(
      port: emulator.adminPort, "GET", "/emulator/ca.crt", headers: [("Authorization", "Bearer \(Self.adminToken)")])
    try Data(ca.body).write(to: URL(fileURLWithPath: serviceAccount + "/ca.crt"))

    try "e2e admin \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
    try (controllerAgentToken ?? Self.agentToken).write(
      toFile: directory.file("controller-agent-token"), atomically: true, encoding: .utf8)
    controllerArguments = [
      "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0",
      "--service-account-dir", serviceAccount, "--agent-namespace", "podhop", "--agent-token-file", "controller-agent-token",
      "--registry", "\(registry.address)/podhop", "--insecure-registry", registry.address, "--max-attempts", "30",
      "--retry-base-seconds", "0.2", "--retry-max-seconds", "0.5", "--restore-timeout-seconds", "120",
    ]
    controllerEnvironment = [
      "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(emulator.apiPort), "KUBECONFIG": "",
    ]
    let controller = try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:0"] + controllerArguments, directory: directory.path, environment: controllerEnvironment)
    controllerProcess = Mutex(controller)
    port = try await controller.waitForPort()
  }

  var controller: PodhopProcess { controllerProcess.withLock { $0 } }

  /// Starts the controller again on its port, with the same database.
  func restartController() async throws {
    let controller = try PodhopProcess(
      ["serve", "--listen", "127.0.0.1:\(port)"] + controllerArguments, directory: directory.path,
      environment: controllerEnvironment)
    controllerProcess.withLock { $0 = controller }
    _ = try await controller.waitForPort()
  }

  static func startAgent(_ node: String, port: UInt16, directory: TemporaryDirectory, registry: String) throws -> PodhopProcess {
    try PodhopProcess(
      [
        "agent", "--listen", "127.0.0.1:\(port)", "--token-file", "agent-token", "--checkpoint-dir",
        directory.file("checkpoints-\(node)"), "--insecure-registry", registry, "--retention-interval", "1h",
      ], directory: directory.path)
  }

  func agent(_ node: String) -> PodhopProcess { agentProcesses.value.withLock { $0[node]! } }

  /// Starts `node`'s agent again on its port (the emulator's pod names that port).
  func restartAgent(_ node: String) async throws {
    let agent = try Self.startAgent(node, port: agentPorts[node]!, directory: directory, registry: registry.address)
    agentProcesses.value.withLock { $0[node] = agent }
    _ = try await agent.waitForPort()
  }

  func stop() async {
    controller.signal(SIGTERM)
    _ = await controller.waitForExit()
    for node in Self.nodes {
      agent(node).signal(SIGTERM)
      _ = await agent(node).waitForExit()
    }
    _ = await emulator.stop()
    await registry.stop()
    directory.remove()
  }

  /// A request to `node`'s agent, with the agent token unless told otherwise.
  func agentRequest(_ node: String, _ method: String, _ target: String, token: String? = agentToken) async throws
    -> RawHTTPResponse
  {
    try await RawHTTPClient.request(
      port: agentPorts[node]!, method, target, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
  }

  /// POST /v1/migrations of default/counter; returns the job id.
  func migrate(to node: String) async throws -> String {
    let response = try await RawHTTPClient.request(
      port: port, "POST", "/v1/migrations",
      headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")],
      body: Array(#"{"source":{"namespace":"default","pod":"counter"},"targetNode":"\#(node)"}"#.utf8))
    guard response.status == 202, let id = try Self.object(response.body)["id"] as? String else {
      throw RawHTTPClientError(description: "POST answered \(response.status): \(response.text)")
    }
    return id
  }

  /// The job once it has finished (bounded wait).
  func finished(_ id: String, timeout: Duration = .seconds(90)) async throws -> [String: Any] {
    var job: [String: Any] = [:]
    _ = try await eventually(timeout: timeout, every: .milliseconds(100)) {
      job = try await get("/v1/migrations/\(id)")
      return ["succeeded", "failed", "canceled"].contains(job["state"] as? String ?? "")
    }
    return job
  }

  func get(_ target: String) async throws -> [String: Any] {
    let response = try await RawHTTPClient.request(
      port: port, "GET", target, headers: [("Authorization", "Bearer \(Self.token)")])
    return try Self.object(response.body)
  }

  static func object(_ bytes: [UInt8]) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
      throw RawHTTPClientError(description: "not a JSON object")
    }
    return object
  }
}
