import Foundation
import HTTPServer
import TestSupport
import Testing

@Suite("HTTPServer over TLS")
struct HTTPServerTLSTests {
  @Test("An HTTPS round trip is verified by curl against the private CA, and refused without it")
  func httpsRoundTrip() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let certificates = try await TestCertificates.generate(in: directory.file("pki"))
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.connectionTimeoutSeconds = 10
    configuration.tls = TLSCredentials(
      certificatePEM: [UInt8](try Data(contentsOf: URL(fileURLWithPath: certificates.serverCertificatePath))),
      privateKeyPEM: [UInt8](try Data(contentsOf: URL(fileURLWithPath: certificates.serverKeyPath))))
    let server = HTTPServer(configuration: configuration, handler: TestServer.echo, rejection: TestServer.rejection)
    try server.start()
    let url = "https://127.0.0.1:\(server.port)/tls/path?x=1"

    let output = await capture {
      try await runTool(
        "/usr/bin/curl",
        ["-sS", "--max-time", "10", "--cacert", certificates.caPath, "-H", "X-Test: yes", "-d", "body", url])
    }
    // The system trust store alone must not accept the private CA.
    let untrusted = await capture { try await runTool("/usr/bin/curl", ["-sS", "--max-time", "10", url]) }
    await server.shutdown(deadline: .seconds(1))

    #expect(String(decoding: try output.get(), as: UTF8.self) == "POST /tls/path ?x=1 [body]")
    #expect(throws: ToolError.self) { try untrusted.get() }
  }

  @Test("A key that is not PEM fails start() with .tls")
  func badKey() async throws {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.tls = TLSCredentials(certificatePEM: Array("nope".utf8), privateKeyPEM: Array("nope".utf8))
    let server = HTTPServer(configuration: configuration, handler: TestServer.echo, rejection: TestServer.rejection)
    let error = #expect(throws: HTTPServerError.self) { try server.start() }
    #expect(error?.code == .tls)
    await server.shutdown(deadline: .seconds(1))
  }
}

/// Runs `body` and keeps its outcome, so the server can be shut down before expectations throw.
private func capture<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
  do { return .success(try await body()) } catch { return .failure(error) }
}
