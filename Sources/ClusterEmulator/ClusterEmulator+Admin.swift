import Foundation
import HTTPServer

/// The admin API (plain HTTP): `GET /emulator/state`, `POST|GET|DELETE /emulator/faults`,
/// `POST /emulator/pods`, `POST /emulator/nodes`, `POST /emulator/reset`,
/// `GET /emulator/kubeconfig`, `GET /emulator/ca.crt`.
extension ClusterEmulator {
  func handleAdmin(_ request: HTTPRequest) async -> HTTPResponse {
    if let token = scenario.adminToken, APIServer.bearer(request) != token {
      return APIStatus.unauthorized.response
    }
    do {
      switch (request.method, request.path) {
      case ("GET", "/emulator/state"):
        return APIServer.json(200, state())
      case ("GET", "/emulator/faults"):
        return APIServer.json(200, state()["faults"] ?? [])
      case ("DELETE", "/emulator/faults"):
        store.with { $0.faults.removeAll() }
        return APIServer.json(200, [])
      case ("POST", "/emulator/faults"):
        let body = try JSONValue.parse(request.body)
        let items = body["faults"]?.array ?? body.array ?? [body]
        let faults = try items.map { try JSONDecoder().decode(Fault.self, from: Data($0.encoded())) }
        store.with { $0.faults.append(contentsOf: faults) }
        return APIServer.json(201, state()["faults"] ?? [])
      case ("POST", "/emulator/pods"):
        let seed = try JSONDecoder().decode(Scenario.Pod.self, from: Data(request.body))
        let pod = try store.with { state in try state.seedPod(seed) }
        return APIServer.json(201, pod.json())
      case ("POST", "/emulator/nodes"):
        let config = try JSONDecoder().decode(Scenario.Node.self, from: Data(request.body))
        store.with { $0.upsertNode(config) }
        try startKubelet(config.name, port: config.kubeletPort ?? 0)
        let node = store.with { $0.node(config.name) }
        return APIServer.json(201, node?.json() ?? nil)
      case ("POST", "/emulator/reset"):
        try await reset()
        return APIServer.json(200, state())
      case ("GET", "/emulator/kubeconfig"):
        return HTTPResponse(
          status: 200, headers: HTTPHeaders([("Content-Type", "application/yaml")]), body: Array(kubeconfig().utf8))
      case ("GET", "/emulator/ca.crt"):
        return HTTPResponse(
          status: 200, headers: HTTPHeaders([("Content-Type", "application/x-pem-file")]), body: caPEM)
      default:
        return APIStatus.pathNotFound.response
      }
    } catch {
      return APIStatus.badRequest(String(describing: error)).response
    }
  }

  /// Back to the scenario: pod tasks cancelled, state reseeded (same kubelet ports for scenario
  /// nodes), faults and counters cleared, kubelets of added nodes stopped. Archives stay on disk.
  func reset() async throws {
    await podTasks.cancelAll()
    let ports = store.with { state in
      Dictionary(uniqueKeysWithValues: state.nodes.map { ($0.name, $0.kubeletPort) })
    }
    store.with { state in state = ClusterState(stateDirectory: stateDirectory, tokens: scenario.tokens) }
    try seed()
    for node in scenario.nodes { try startKubelet(node.name, port: ports[node.name] ?? 0) }
    await stopOrphanKubelets()
  }

  /// A kubeconfig for the API server: one user per scenario token, the context using `user`
  /// (default: the first token).
  public func kubeconfig(user: String? = nil) -> String {
    let ca = Data(caPEM).base64EncodedString()
    let tokens = scenario.tokens
    let current = user ?? tokens.first?.name ?? "podhop"
    var text = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: cluster-emulator
        cluster:
          server: \(apiURL)
          certificate-authority-data: \(ca)
      users:

      """
    for token in tokens {
      text += "- name: \(token.name)\n  user:\n    token: \(token.token)\n"
    }
    text += """
      contexts:
      - name: cluster-emulator
        context:
          cluster: cluster-emulator
          user: \(current)
          namespace: default
      current-context: cluster-emulator
      preferences: {}

      """
    return text
  }
}
