import Foundation
import HTTPClient
import TestSupport
import Testing

@Suite("HTTPClient TLS")
struct HTTPClientTLSTests {
  private struct Peer: Decodable {
    var port: Int
    var cn: String
  }

  @Test("HTTPS with a private CA given as PEM bytes works, and fails without it")
  func privateCA() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let certificates = try await TestCertificates.generate(in: directory.path)
    let server = try await PythonTestServer.start(certificates: certificates)
    defer { server.stop() }

    let trusted = HTTPClient(tls: TLSConfiguration(caPEM: certificates.caPEM))
    let response = try await trusted.send(HTTPClientRequest(url: server.url("/peer", tls: true)))
    #expect(response.status == 200)

    let untrusted = HTTPClient()
    let error = await #expect(throws: HTTPClientError.self) {
      try await untrusted.send(HTTPClientRequest(url: server.url("/peer", tls: true)))
    }
    #expect(error?.code == .tls)
    #expect(error?.isRetryable == false)

    let insecure = HTTPClient(tls: TLSConfiguration(insecureSkipVerify: true))
    #expect(try await insecure.send(HTTPClientRequest(url: server.url("/peer", tls: true))).status == 200)
  }

  @Test("mutual TLS with client certificate and key blobs; refused without them")
  func mutualTLS() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let certificates = try await TestCertificates.generate(in: directory.path)
    let server = try await PythonTestServer.start(certificates: certificates, requireClientCertificate: true)
    defer { server.stop() }

    let client = HTTPClient(
      tls: TLSConfiguration(
        caPEM: certificates.caPEM, clientCertificatePEM: certificates.clientCertificatePEM,
        clientKeyPEM: certificates.clientKeyPEM))
    let response = try await client.send(HTTPClientRequest(url: server.url("/peer", tls: true)))
    #expect(response.status == 200)
    let peer = try JSONDecoder().decode(Peer.self, from: Data(response.body))
    #expect(peer.cn == "podhop-test-client")

    let anonymous = HTTPClient(tls: TLSConfiguration(caPEM: certificates.caPEM))
    // TLS 1.3 reports the missing certificate after the handshake, so this surfaces as a TLS,
    // send or receive failure depending on timing; it must never be a response.
    let error = await #expect(throws: HTTPClientError.self) {
      try await anonymous.send(HTTPClientRequest(url: server.url("/peer", tls: true), timeout: .seconds(10)))
    }
    #expect([.tls, .send, .receive].contains(error?.code))
  }
}
