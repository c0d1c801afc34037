import Foundation
import HTTPServer
import Kubernetes
import TestSupport
import Testing

@Suite("HTTPS to the API server")
struct KubernetesTLSTests {
  static func credentials(_ certificates: TestCertificates) throws -> TLSCredentials {
    TLSCredentials(
      certificatePEM: [UInt8](try Data(contentsOf: URL(fileURLWithPath: certificates.serverCertificatePath))),
      privateKeyPEM: [UInt8](try Data(contentsOf: URL(fileURLWithPath: certificates.serverKeyPath))))
  }

  @Test("The CA from certificate-authority-data verifies the server; without it the call fails as configuration")
  func verifiedByKubeconfigCA() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let certificates = try await TestCertificates.generate(in: directory.file("pki"))
    try await FakeAPIServer.with(
      tls: try Self.credentials(certificates), respond: { _ in FakeAPIServer.json(SampleObjects.node) }
    ) { server in
      let kubeconfig = directory.file("config")
      try """
      current-context: tls
      clusters:
      - name: tls
        cluster:
          server: \(server.url)
          certificate-authority-data: \(Data(certificates.caPEM).base64EncodedString())
      - name: no-ca
        cluster:
          server: \(server.url)
      users:
      - name: u
        user: {token: tls-token}
      contexts:
      - name: tls
        context: {cluster: tls, user: u}
      - name: no-ca
        context: {cluster: no-ca, user: u}
      """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)

      let access = try ClusterAccess.kubeconfig(path: kubeconfig)
      let node = try await KubernetesClient(access: access, requestTimeout: .seconds(10)).node("node-b")
      #expect(node.name == "node-b")
      #expect(server.requests.first?.headers["Authorization"] == "Bearer tls-token")

      let untrusted = try ClusterAccess.kubeconfig(path: kubeconfig, context: "no-ca")
      let error = await #expect(throws: KubernetesError.self) {
        try await KubernetesClient(access: untrusted, requestTimeout: .seconds(10)).node("node-b")
      }
      #expect(error?.code == .configuration)
      #expect(error?.isRetryable == false)
      // The handshake failed, so the server saw only the first request.
      #expect(server.requests.count == 1)
    }
  }

  @Test("A kubelet client with insecureSkipVerify accepts a certificate from an unknown CA")
  func kubeletInsecure() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let certificates = try await TestCertificates.generate(in: directory.file("pki"))
    try await FakeAPIServer.with(
      tls: try Self.credentials(certificates), respond: { _ in CheckpointTests.success }
    ) { server in
      let kubelet = KubeletClient(baseURL: server.url, tls: .init(insecureSkipVerify: true), token: nil)
      let path = try await kubelet.checkpoint(namespace: "shop", pod: "web", container: "app", timeout: .seconds(5))
      #expect(path == CheckpointTests.archive)
    }
  }
}
