import Core
import Foundation
import HTTPClient
import HTTPServer
import TestSupport
import Testing

@testable import NodeAgent

/// The agent's HTTP API over real HTTP on 127.0.0.1 (publishing is covered end to end).
@Suite("Node agent API")
struct AgentHandlerTests {
  static let token = "agent-token-0123456789"
  static let archive = "checkpoint-counter_default-app-2026-12-03T14:00:00Z.tar"

  /// A started agent server over a temporary checkpoint directory holding one non-tar "archive".
  struct Agent {
    let directory: TemporaryDirectory
    let server: HTTPServer

    init(tls: TLSCredentials? = nil) throws {
      directory = try TemporaryDirectory()
      try FileManager.default.createDirectory(atPath: directory.file("checkpoints"), withIntermediateDirectories: true)
      try Data(repeating: 1, count: 1000).write(
        to: URL(fileURLWithPath: directory.file("checkpoints/\(AgentHandlerTests.archive)")))
      try "\(AgentHandlerTests.token)\n".write(toFile: directory.file("token"), atomically: true, encoding: .utf8)
      let archives = ArchiveDirectory(path: directory.file("checkpoints"))
      let logger = Logger(minimum: .error)
      let handler = AgentHandler(
        token: try AgentToken(file: directory.file("token")), directory: archives,
        publications: Publications(directory: archives, registry: { _ in throw CancellationError() }, logger: logger),
        logger: logger)
      var configuration = HTTPServerConfiguration()
      configuration.port = 0
      configuration.tls = tls
      server = HTTPServer(
        configuration: configuration, handler: { await handler.handle($0) }, rejection: { handler.rejection($0, $1) })
      try server.start()
    }

    func request(_ method: String, _ target: String, token: String? = AgentHandlerTests.token, body: String? = nil)
      async throws -> RawHTTPResponse
    {
      var headers: [(String, String)] = token.map { [("Authorization", "Bearer \($0)")] } ?? []
      if body != nil { headers.append(("Content-Type", "application/json")) }
      return try await RawHTTPClient.request(port: server.port, method, target, headers: headers, body: Array((body ?? "").utf8))
    }

    func stop() async {
      await server.shutdown(deadline: .seconds(2))
      directory.remove()
    }
  }

  @Test("every route, and every unknown path, needs the token: none or a wrong one is 401 problem+json")
  func authentication() async throws {
    let agent = try Agent()
    for (method, target) in [
      ("GET", "/v1/archives"), ("DELETE", "/v1/archives/\(Self.archive)"), ("POST", "/v1/publications"),
      ("GET", "/v1/publications/x"), ("GET", "/healthz"), ("GET", "/nothing"),
    ] {
      for token in [nil, "wrong-token-0123456789", Self.token + "x"] {
        let response = try await agent.request(method, target, token: token)
        #expect(response.status == 401, "\(method) \(target)")
        #expect(response.headers["Content-Type"] == "application/problem+json")
      }
    }
    #expect(FileManager.default.fileExists(atPath: agent.directory.file("checkpoints/\(Self.archive)")))
    await agent.stop()
  }

  @Test("archives are listed with sizes; bad names are 400, unknown ones 404, an invalid archive 422; delete removes it")
  func archives() async throws {
    let agent = try Agent()
    let list = try await agent.request("GET", "/v1/archives")
    let items = try #require(
      (try JSONSerialization.jsonObject(with: Data(list.body)) as? [String: Any])?["items"] as? [[String: Any]])
    #expect(list.status == 200 && items.count == 1)
    #expect(items.first?["name"] as? String == Self.archive && items.first?["sizeBytes"] as? Int == 1000)
    #expect(try await agent.request("DELETE", "/v1/archives/..").status == 400)
    #expect(try await agent.request("DELETE", "/v1/archives/checkpoint-x_y-z.tar.swp").status == 400)
    #expect(try await agent.request("DELETE", "/v1/archives/%2E%2E%2Fetc").status != 204)
    #expect(try await agent.request("POST", "/v1/archives/checkpoint-other_default-app-x.tar/inspect").status == 404)
    let invalid = try await agent.request("POST", "/v1/archives/\(Self.archive)/inspect")
    #expect(invalid.status == 422, "\(invalid.text)")
    let wrongMethod = try await agent.request("PUT", "/v1/archives")
    #expect(wrongMethod.status == 405 && wrongMethod.headers["Allow"] == "GET")
    #expect(try await agent.request("DELETE", "/v1/archives/\(Self.archive)").status == 204)
    #expect(!FileManager.default.fileExists(atPath: agent.directory.file("checkpoints/\(Self.archive)")))
    #expect(try await agent.request("DELETE", "/v1/archives/\(Self.archive)").status == 404)
    await agent.stop()
  }

  @Test("publications: a malformed request is 422, an unknown archive 404, an unknown publication 404")
  func publications() async throws {
    let agent = try Agent()
    #expect(try await agent.request("POST", "/v1/publications", body: "{}").status == 422)
    let missing = """
      {"migrationID":"m-1","archive":"checkpoint-other_default-app-x.tar","container":"app",
       "reference":"127.0.0.1:1/p/default/counter:podhop-m-1","compression":"gzip","os":"linux","architecture":"amd64"}
      """
    #expect(try await agent.request("POST", "/v1/publications", body: missing).status == 404)
    #expect(try await agent.request("GET", "/v1/publications/m-1").status == 404)
    #expect(try await agent.request("DELETE", "/v1/publications/m-1").status == 404)
    await agent.stop()
  }

  @Test("the controller's client over TLS: archives listed with the agent's CA; a wrong token is a 401 AgentError, not retryable")
  func clientOverTLS() async throws {
    let certificateDirectory = try TemporaryDirectory()
    defer { certificateDirectory.remove() }
    let certificates = try await TestCertificates.generate(in: certificateDirectory.path)
    let agent = try Agent(
      tls: TLSCredentials(
        certificatePEM: Array(FileManager.default.contents(atPath: certificates.serverCertificatePath)!),
        privateKeyPEM: Array(FileManager.default.contents(atPath: certificates.serverKeyPath)!)))
    let http = HTTPClient(tls: TLSConfiguration(caPEM: certificates.caPEM))
    let client = AgentClient(baseURL: "https://127.0.0.1:\(agent.server.port)", token: Self.token, http: http)
    #expect(try await client.archives().map(\.name) == [Self.archive])
    #expect(try await client.publication("m-1") == nil)

    let wrong = AgentClient(baseURL: "https://127.0.0.1:\(agent.server.port)", token: "wrong-token-0123456789", http: http)
    await #expect { _ = try await wrong.archives() } throws: {
      ($0 as? AgentError)?.status == 401 && !(($0 as? AgentError)?.isRetryable ?? true)
    }
    // Without the agent's CA the TLS handshake fails: no answer, and not worth retrying.
    let untrusting = AgentClient(baseURL: "https://127.0.0.1:\(agent.server.port)", token: Self.token, http: HTTPClient())
    await #expect { _ = try await untrusting.archives() } throws: { ($0 as? AgentError)?.status == nil }
    await agent.stop()
  }
}
