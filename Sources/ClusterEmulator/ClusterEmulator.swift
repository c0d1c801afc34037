import Foundation
import HTTPServer
import Synchronization

/// An emulated Kubernetes cluster for podhop's tests: a kube-apiserver subset over HTTPS, one
/// HTTPS kubelet per node (checkpoint API), CRI-O/containerd restore emulation against real
/// registries, and a plain-HTTP admin API for faults and inspection.
///
/// ```swift
/// let emulator = ClusterEmulator(scenario: try Scenario(contentsOf: "scenario.json"))
/// try await emulator.start()
/// defer { Task { await emulator.stop() } }
/// // talk to emulator.apiURL with emulator.caPath and a scenario token
/// ```
public final class ClusterEmulator: Sendable {
  /// The scenario it was created with (and returns to on reset).
  public let scenario: Scenario
  /// Where PKI, node checkpoint directories and unpacked images live.
  public let stateDirectory: String
  private let ownsStateDirectory: Bool
  let store: ClusterStore
  let podTasks = PodTasks()
  private let servers = Mutex<Servers>(Servers())
  private let pkiState = Mutex<PKI?>(nil)

  private struct Servers {
    var api: HTTPServer?
    var admin: HTTPServer?
    var kubelets: [String: HTTPServer] = [:]
  }

  /// Creates an emulator; nothing listens until `start()`.
  public init(scenario: Scenario) {
    self.scenario = scenario
    if let directory = scenario.stateDirectory {
      stateDirectory = directory
      ownsStateDirectory = false
    } else {
      stateDirectory = NSTemporaryDirectory() + "cluster-emulator-" + UUID().uuidString.lowercased()
      ownsStateDirectory = true
    }
    store = ClusterStore(ClusterState(stateDirectory: stateDirectory, tokens: scenario.tokens))
  }

  /// Generates the PKI, seeds nodes and pods, and starts the API, admin and kubelet servers.
  public func start() async throws {
    try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
    let pki = try await PKI.prepare(in: stateDirectory + "/pki")
    pkiState.withLock { $0 = pki }
    try seed()
    let host = scenario.host ?? "127.0.0.1"
    let api = HTTPServer(
      configuration: Self.configuration(host: host, port: scenario.apiPort ?? 0, tls: pki),
      handler: { [apiServer] request in await apiServer.handle(request) }, rejection: Self.rejection)
    try api.start()
    servers.withLock { $0.api = api }
    let admin = HTTPServer(
      configuration: Self.configuration(host: host, port: scenario.adminPort ?? 0, tls: nil),
      handler: { [weak self] request in
        guard let self else { return KubeletAPI.text(503, "stopped") }
        return await self.handleAdmin(request)
      }, rejection: Self.rejection)
    try admin.start()
    servers.withLock { $0.admin = admin }
    for node in store.with({ $0.nodes }) { try startKubelet(node.name, port: node.config.kubeletPort ?? 0) }
  }

  /// Stops every server and pod task; removes the state directory if the emulator made it.
  public func stop() async {
    let all = servers.withLock { servers in
      defer { servers = Servers() }
      return [servers.api, servers.admin].compactMap { $0 } + Array(servers.kubelets.values)
    }
    for server in all { await server.shutdown(deadline: .seconds(2)) }
    await podTasks.cancelAll()
    if ownsStateDirectory { try? FileManager.default.removeItem(atPath: stateDirectory) }
  }

  /// The API server's port.
  public var apiPort: UInt16 { servers.withLock { $0.api?.port ?? 0 } }
  /// The admin API's port.
  public var adminPort: UInt16 { servers.withLock { $0.admin?.port ?? 0 } }
  /// Each node's kubelet HTTPS port.
  public var kubeletPorts: [String: UInt16] { servers.withLock { $0.kubelets.mapValues(\.port) } }
  /// `https://127.0.0.1:PORT`.
  public var apiURL: String { "https://\(scenario.host ?? "127.0.0.1"):\(apiPort)" }
  /// The CA certificate (PEM) that signed every serving certificate.
  public var caPEM: [UInt8] { pkiState.withLock { $0?.caPEM ?? [] } }
  /// The CA certificate file, for `curl --cacert`.
  public var caPath: String { stateDirectory + "/pki/ca.crt" }

  /// The ports as one JSON line: `{"api":…,"admin":…,"kubelets":{"node-a":…}}`.
  public var portsLine: String {
    let kubelets = JSONValue.object(kubeletPorts.mapValues { .int(Int64($0)) })
    return JSONValue.object(["api": .int(Int64(apiPort)), "admin": .int(Int64(adminPort)), "kubelets": kubelets]).text
  }

  /// Where node `name` writes checkpoint archives.
  public func checkpointDirectory(node name: String) -> String? {
    store.with { $0.node(name)?.checkpointDirectory }
  }

  /// The admin state (`GET /emulator/state`).
  public func state() -> JSONValue { store.with { $0.snapshot() } }

  var apiServer: APIServer {
    let kubelet = KubeletAPI(store: store)
    return APIServer(store: store, kubelet: kubelet, startPod: { [weak self] pod in self?.startRuntime(for: pod) })
  }

  var runtime: ContainerRuntime {
    ContainerRuntime(
      store: store,
      registry: RegistryPuller(plainHTTPRegistries: scenario.plainHTTPRegistries, workDirectory: stateDirectory + "/runtime"))
  }

  /// Runs the emulated runtime for a pod bound to a node.
  func startRuntime(for pod: PodRecord) {
    guard let node = pod.nodeName, !node.isEmpty else { return }
    let runtime = self.runtime
    let (namespace, name, uid) = (pod.namespace, pod.name, pod.uid)
    podTasks.spawn { await runtime.run(namespace: namespace, name: name, uid: uid) }
  }

  /// Seeds nodes and pods from the scenario into an empty state.
  func seed() throws {
    try store.with { state in
      for node in scenario.nodes { state.upsertNode(node) }
      for pod in scenario.pods { _ = try state.seedPod(pod) }
    }
  }

  /// Starts node `name`'s kubelet server unless it runs already; records the port on the node.
  func startKubelet(_ name: String, port: UInt16) throws {
    if servers.withLock({ $0.kubelets[name] }) == nil {
      let pki = pkiState.withLock { $0 }
      let kubelet = KubeletAPI(store: store)
      let store = self.store
      let server = HTTPServer(
        configuration: Self.configuration(host: scenario.host ?? "127.0.0.1", port: port, tls: pki),
        handler: { request in
          let token = store.with { $0.identity(bearer: APIServer.bearer(request)) }
          return await kubelet.handle(
            node: name, method: request.method, path: request.path, query: request.query, caller: .token(token))
        }, rejection: Self.rejection)
      try server.start()
      servers.withLock { $0.kubelets[name] = server }
    }
    let bound = servers.withLock { $0.kubelets[name]?.port ?? 0 }
    store.with { state in
      if let index = state.nodeIndex(name) { state.nodes[index].kubeletPort = bound }
    }
  }

  /// Stops kubelets of nodes that no longer exist.
  func stopOrphanKubelets() async {
    let names = Set(store.with { $0.nodes.map(\.name) })
    let orphans = servers.withLock { servers in
      let orphans = servers.kubelets.filter { !names.contains($0.key) }
      for name in orphans.keys { servers.kubelets[name] = nil }
      return Array(orphans.values)
    }
    for server in orphans { await server.shutdown(deadline: .seconds(1)) }
  }

  private static func configuration(host: String, port: UInt16, tls: PKI?) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration()
    configuration.host = host
    configuration.port = port
    configuration.threads = 2
    configuration.connectionTimeoutSeconds = 60
    configuration.maxBodyBytes = 4 << 20
    if let tls { configuration.tls = TLSCredentials(certificatePEM: tls.certificatePEM, privateKeyPEM: tls.keyPEM) }
    return configuration
  }

  static let rejection: @Sendable (HTTPRejection, HTTPRequest) -> HTTPResponse = { rejection, _ in
    switch rejection {
    case .bodyTooLarge(let limit):
      APIStatus(code: 413, reason: "RequestEntityTooLarge", message: "request entity too large: limit is \(limit)")
        .response
    case .conflictingLengthHeaders:
      APIStatus.badRequest("conflicting Content-Length and Transfer-Encoding").response
    case .malformedRequest(let reason):
      APIStatus.badRequest(reason).response
    }
  }
}
