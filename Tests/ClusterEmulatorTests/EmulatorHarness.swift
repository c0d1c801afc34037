import ClusterEmulator
import Foundation
import TestSupport

/// An in-process emulator for one test, with helpers that speak to it like a client would.
struct EmulatorHarness {
  static let token = "podhop-token"
  static let limitedToken = "limited-token"

  let emulator: ClusterEmulator
  let directory: TemporaryDirectory

  /// Starts an emulator for `scenario` (JSON; `tokens` and `stateDirectory` are filled in),
  /// runs `body`, and stops it even when `body` throws.
  static func with<T>(_ scenario: String, _ body: (EmulatorHarness) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    var value = try JSONValue.parse(Array(scenario.utf8))
    value["stateDirectory"] = .string(directory.path)
    value["adminToken"] = "admin-token"
    if value["tokens"] == nil {
      value["tokens"] = [
        ["name": "podhop", "token": .string(token), "user": "system:serviceaccount:podhop:podhop"],
        ["name": "limited", "token": .string(limitedToken), "deny": ["create nodes/checkpoint", "create nodes/proxy"]],
      ]
    }
    let emulator = ClusterEmulator(scenario: try Scenario(data: value.encoded()))
    try await emulator.start()
    let harness = EmulatorHarness(emulator: emulator, directory: directory)
    do {
      let result = try await body(harness)
      await emulator.stop()
      directory.remove()
      return result
    } catch {
      await emulator.stop()
      directory.remove()
      throw error
    }
  }

  /// A request to the API server.
  func api(_ method: String, _ path: String, token: String? = EmulatorHarness.token, body: String? = nil)
    async throws -> CurlResponse
  {
    try await Curl.request(method, emulator.apiURL + path, ca: emulator.caPath, token: token, body: body)
  }

  /// A request to node `node`'s kubelet.
  func kubelet(_ node: String, _ method: String, _ path: String, token: String? = EmulatorHarness.token)
    async throws -> CurlResponse
  {
    let port = emulator.kubeletPorts[node] ?? 0
    return try await Curl.request(method, "https://127.0.0.1:\(port)" + path, ca: emulator.caPath, token: token)
  }

  /// A request to the admin API.
  func admin(_ method: String, _ path: String, body: String? = nil) async throws -> CurlResponse {
    try await Curl.request(
      method, "http://127.0.0.1:\(emulator.adminPort)" + path, token: "admin-token", body: body)
  }

  /// Polls pod `name` until `condition` holds on its JSON (bounded); returns the last JSON.
  func waitForPod(
    _ name: String, namespace: String = "default", timeout: Duration = .seconds(30),
    _ condition: (JSONValue) -> Bool
  ) async throws -> JSONValue {
    var last: JSONValue = .null
    _ = try await eventually(timeout: timeout, every: .milliseconds(50)) {
      last = try await api("GET", "/api/v1/namespaces/\(namespace)/pods/\(name)").json
      return condition(last)
    }
    return last
  }
}
