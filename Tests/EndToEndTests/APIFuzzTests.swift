import Foundation
import TestSupport
import Testing

extension HeavyEndToEndRuns {
  /// Schemathesis (PyPI, installed by scripts/install-dependencies.sh) generates requests from
  /// openapi.yaml, valid and invalid, and sends them to a real `podhop serve` pointed at the
  /// cluster emulator. Every check it has must pass: no 5xx, every status, content type, header
  /// and body as documented, invalid input refused, valid input accepted. The few documented
  /// exceptions are in Tests/schemathesis/schemathesis.toml, each with its reason.
  @Suite("API fuzzing with schemathesis")
  struct APIFuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    static let token = "fuzz-admin-token-0123456789"

    /// Fixed so that a CI failure reproduces; PODHOP_FUZZ_SEED explores other inputs.
    static var seed: String { ProcessInfo.processInfo.environment["PODHOP_FUZZ_SEED"] ?? "20261203" }

    @Test("every generated request is answered as openapi.yaml says, never with a 5xx")
    func schemathesis() async throws {
      let directory = try TemporaryDirectory()
      defer { directory.remove() }
      try FileManager.default.createDirectory(atPath: directory.file("checkpoints"), withIntermediateDirectories: true)
      // `counter` is the pod of openapi.yaml's example request, so pre-flight gets a real answer.
      let scenario = """
        {"stateDirectory": "\(directory.file("emulator"))",
         "tokens": [{"name": "podhop", "token": "cluster-token-0123456789", "user": "system:serviceaccount:podhop:podhop"}],
         "nodes": [\(["node-a", "node-b"].map { Self.node($0, checkpoints: directory.file("checkpoints")) }.joined(separator: ","))],
         "pods": [{"namespace": "default", "name": "counter", "node": "node-a",
                   "containers": [{"name": "app", "image": "docker.io/library/busybox:latest"}], "memoryBytes": 65536}]}
        """
      try scenario.write(toFile: directory.file("scenario.json"), atomically: true, encoding: .utf8)
      let emulator = try await EmulatorProcess(
        scenario: directory.file("scenario.json"), arguments: ["--write-kubeconfig", directory.file("kubeconfig")])
      try "fuzz admin \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
      // Stages are configured (jobs run and fail at pre-flight or, for `counter`, at push: the
      // registry address is closed), so the fuzzer meets a server with work in flight.
      let podhop = try PodhopProcess(
        [
          "serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0",
          "--kubeconfig", directory.file("kubeconfig"), "--checkpoint-dir", directory.file("checkpoints"),
          "--registry", "127.0.0.1:9/fuzz", "--insecure-registry", "127.0.0.1:9",
        ], directory: directory.path)
      let port = try await podhop.waitForPort()

      let result = try await Command.run(
        "/usr/bin/env",
        [
          "python3", "-m", "schemathesis.cli", "--config-file",
          Self.root.appending(path: "Tests/schemathesis/schemathesis.toml").path,
          "run", Self.root.appending(path: "openapi.yaml").path, "--url", "http://127.0.0.1:\(port)",
          "--header", "Authorization: Bearer \(Self.token)", "--checks", "all", "--max-examples", "80", "--seed", Self.seed,
          "--workers", "1", "--request-timeout", "10", "--generation-database", "none", "--no-color",
        ],
        directory: directory.path, environment: ["PYTHONWARNINGS": "ignore"], timeout: .seconds(400))
      #expect(
        result.status == 0,
        "schemathesis (seed \(Self.seed)) exited \(result.status):\n\(result.text.suffix(12000))\n\(result.stderr.suffix(2000))")
      #expect(result.text.contains("generated"), "schemathesis printed no summary: \(result.text.suffix(2000))")

      // The server is still up and never logged an unexpected failure.
      #expect(try await RawHTTPClient.get(port: port, "/healthz").status == 200)
      let failures = podhop.log.filter { $0.contains("\"request failed\"") }
      #expect(failures.isEmpty, "\(failures.prefix(5))")
      podhop.signal(SIGTERM)
      #expect(await podhop.waitForExit() == 0)
      _ = await emulator.stop()
    }

    static func node(_ name: String, checkpoints: String) -> String {
      """
      {"name": "\(name)", "os": "linux", "architecture": "amd64", "runtime": "cri-o://1.31.3", "kubeletVersion": "v1.31.3",
       "images": ["docker.io/library/busybox:latest"], "checkpointGate": true, "checkpointDirectory": "\(checkpoints)"}
      """
    }
  }
}
