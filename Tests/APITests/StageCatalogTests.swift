import Core
import Foundation
import TestSupport
import Testing

@testable import App

@Suite("Stage configuration")
struct StageCatalogTests {
  func kubeconfig(_ directory: TemporaryDirectory) throws -> String {
    let path = directory.file("kubeconfig")
    try """
    apiVersion: v1
    kind: Config
    current-context: test
    clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
    users: [{name: u, user: {token: test-token-0123456789}}]
    contexts: [{name: test, context: {cluster: c, user: u}}]
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("without an archive directory, a registry or a cluster, podhop serves the API only and says why")
  func notConfigured() throws {
    guard
      case .notConfigured(let reason) = try StageCatalog.build(
        StageConfiguration(), environment: [:], logger: Logger(minimum: .error))
    else {
      Issue.record("expected notConfigured"); return
    }
    #expect(reason.contains("--agent-namespace") && reason.contains("--checkpoint-dir") && reason.contains("--registry"))
  }

  @Test("all six stages are built from a kubeconfig, an archive directory and a registry")
  func ready() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var configuration = StageConfiguration()
    configuration.kubeconfig = try kubeconfig(directory)
    configuration.checkpointDirectory = directory.path
    configuration.registry = "127.0.0.1:5000/podhop"
    guard
      case .ready(let executors, _, _) = try StageCatalog.build(configuration, environment: [:], logger: Logger(minimum: .error))
    else {
      Issue.record("expected ready"); return
    }
    #expect(executors.count == 6)
  }

  @Test("a registry client certificate needs its key, and unreadable files name their flag")
  func clientCertificate() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var configuration = StageConfiguration()
    configuration.kubeconfig = try kubeconfig(directory)
    configuration.checkpointDirectory = directory.path
    configuration.registry = "127.0.0.1:5000/podhop"
    configuration.registryAccess.clientCertificateFile = directory.file("client.pem")
    #expect { _ = try StageCatalog.build(configuration, environment: [:], logger: Logger(minimum: .error)) } throws: {
      String(describing: $0).contains("--registry-client-key")
    }
    configuration.registryAccess.clientKeyFile = directory.file("client-key.pem")
    #expect { _ = try StageCatalog.build(configuration, environment: [:], logger: Logger(minimum: .error)) } throws: {
      String(describing: $0).contains("--registry-client-cert: cannot read")
    }
  }

  @Test("with node agents, no archive directory is needed, but the agent token file is")
  func agents() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var configuration = StageConfiguration()
    configuration.kubeconfig = try kubeconfig(directory)
    configuration.registry = "127.0.0.1:5000/podhop"
    configuration.agentNamespace = "podhop"
    #expect { _ = try StageCatalog.build(configuration, environment: [:], logger: Logger(minimum: .error)) } throws: {
      String(describing: $0).contains("--agent-token-file")
    }
    try "agent-token-0123456789\n".write(toFile: directory.file("agent-token"), atomically: true, encoding: .utf8)
    configuration.agentTokenFile = directory.file("agent-token")
    guard
      case .ready(let executors, _, _) = try StageCatalog.build(configuration, environment: [:], logger: Logger(minimum: .error))
    else {
      Issue.record("expected ready"); return
    }
    #expect(executors.count == 6)
  }
}
