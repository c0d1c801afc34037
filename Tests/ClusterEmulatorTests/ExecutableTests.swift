import ClusterEmulator
import Foundation
import TestSupport
import Testing

@Suite("cluster-emulator executable")
struct ExecutableTests {
  @Test("The binary prints its ports, writes a kubeconfig that reaches the API, and exits 0 on SIGTERM")
  func executable() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let scenario = """
      {"tokens": [{"name": "podhop", "token": "exec-token"}],
       "nodes": [{"name": "node-a"}, {"name": "node-b"}]}
      """
    try scenario.write(toFile: directory.file("scenario.json"), atomically: true, encoding: .utf8)
    let process = try await EmulatorProcess(
      scenario: directory.file("scenario.json"),
      arguments: ["--state-directory", directory.file("state"), "--write-kubeconfig", directory.file("kubeconfig")])
    #expect(Set(process.kubeletPorts.keys) == ["node-a", "node-b"])
    let kubeconfig = try String(contentsOfFile: directory.file("kubeconfig"), encoding: .utf8)
    #expect(kubeconfig.contains("server: https://127.0.0.1:\(process.apiPort)"))
    #expect(kubeconfig.contains("token: exec-token"))
    #expect(kubeconfig.contains("current-context: cluster-emulator"))
    let caLine = try #require(kubeconfig.split(separator: "\n").first { $0.contains("certificate-authority-data:") })
    let ca = try #require(Data(base64Encoded: String(caLine.split(separator: ":")[1]).trimmingCharacters(in: .whitespaces)))
    try ca.write(to: URL(fileURLWithPath: directory.file("ca.crt")))

    let nodes = try await Curl.request(
      "GET", "https://127.0.0.1:\(process.apiPort)/api/v1/nodes", ca: directory.file("ca.crt"), token: "exec-token")
    #expect(nodes.status == 200)
    #expect(nodes.json["items"]?.array?.count == 2)
    let state = try await Curl.request("GET", "http://127.0.0.1:\(process.adminPort)/emulator/state")
    #expect(state.json["nodes"]?.array?.count == 2)
    #expect(await process.stop() == 0)
  }
}
