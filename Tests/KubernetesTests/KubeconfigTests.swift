import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite("Kubeconfig parsing")
struct KubeconfigTests {
  static let caPEM = "-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n"
  static let certPEM = "-----BEGIN CERTIFICATE-----\nY2VydA==\n-----END CERTIFICATE-----\n"
  static let keyPEM = "-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n"

  static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  /// A kubeconfig with one context per credential form; files sit next to it in `certs/`.
  static func write(in directory: TemporaryDirectory) throws -> String {
    try FileManager.default.createDirectory(atPath: directory.file("certs"), withIntermediateDirectories: true)
    try caPEM.write(toFile: directory.file("certs/ca.crt"), atomically: true, encoding: .utf8)
    try certPEM.write(toFile: directory.file("certs/client.crt"), atomically: true, encoding: .utf8)
    try keyPEM.write(toFile: directory.file("certs/client.key"), atomically: true, encoding: .utf8)
    try "file-token\n".write(toFile: directory.file("certs/token"), atomically: true, encoding: .utf8)
    let text = """
      apiVersion: v1
      kind: Config
      current-context: files
      clusters:
      - name: with-files
        cluster:
          server: https://10.0.0.1:6443/
          certificate-authority: certs/ca.crt
      - name: with-data
        cluster:
          server: https://api.example.com:443
          certificate-authority-data: \(base64(caPEM))
      - name: insecure
        cluster:
          server: https://127.0.0.1:6443
          insecure-skip-tls-verify: true
      - name: bad-base64
        cluster:
          server: https://127.0.0.1:6443
          certificate-authority-data: "!!!not base64!!!"
      users:
      - name: cert-files
        user:
          client-certificate: certs/client.crt
          client-key: \(directory.file("certs/client.key"))
      - name: cert-data
        user:
          client-certificate-data: \(base64(certPEM))
          client-key-data: \(base64(keyPEM))
      - name: static-token
        user:
          token: s3cr3t-token
          tokenFile: certs/token
      - name: token-file
        user:
          tokenFile: certs/token
      - name: exec-plugin
        user:
          exec:
            apiVersion: client.authentication.k8s.io/v1
            command: aws
      - name: half-cert
        user:
          client-certificate: certs/client.crt
      contexts:
      - name: files
        context: {cluster: with-files, user: cert-files, namespace: shop}
      - name: data
        context: {cluster: with-data, user: cert-data}
      - name: token
        context: {cluster: insecure, user: static-token}
      - name: token-file
        context: {cluster: with-data, user: token-file}
      - name: anonymous
        context: {cluster: insecure}
      - name: exec
        context: {cluster: insecure, user: exec-plugin}
      - name: half
        context: {cluster: insecure, user: half-cert}
      - name: no-such-cluster
        context: {cluster: nowhere, user: static-token}
      - name: no-such-user
        context: {cluster: insecure, user: nobody}
      - name: broken-ca
        context: {cluster: bad-base64}
      """
    let path = directory.file("config")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("current-context with files relative to the kubeconfig, an absolute key path and a namespace")
  func currentContextWithFiles() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let access = try ClusterAccess.kubeconfig(path: try Self.write(in: directory))
    #expect(access.server == "https://10.0.0.1:6443")
    #expect(access.tls.caPEM == Array(Self.caPEM.utf8))
    #expect(access.tls.clientCertificatePEM == Array(Self.certPEM.utf8))
    #expect(access.tls.clientKeyPEM == Array(Self.keyPEM.utf8))
    #expect(access.tls.insecureSkipVerify == false)
    #expect(access.bearerToken == nil)
    #expect(access.namespace == "shop")
  }

  @Test("An explicit context with base64 *-data fields")
  func dataFields() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let access = try ClusterAccess.kubeconfig(path: try Self.write(in: directory), context: "data")
    #expect(access.server == "https://api.example.com:443")
    #expect(access.tls.caPEM == Array(Self.caPEM.utf8))
    #expect(access.tls.clientCertificatePEM == Array(Self.certPEM.utf8))
    #expect(access.tls.clientKeyPEM == Array(Self.keyPEM.utf8))
    #expect(access.namespace == nil)
  }

  @Test("token wins over tokenFile, and the insecure flag is read")
  func staticToken() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let access = try ClusterAccess.kubeconfig(path: try Self.write(in: directory), context: "token")
    #expect(try access.bearerToken?.current() == "s3cr3t-token")
    #expect(access.bearerToken?.file == nil)
    #expect(access.tls.insecureSkipVerify)
    #expect(access.tls.caPEM == nil)
    #expect(access.tls.clientCertificatePEM == nil)
  }

  @Test("tokenFile is resolved against the kubeconfig's directory and trimmed")
  func tokenFile() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let access = try ClusterAccess.kubeconfig(path: try Self.write(in: directory), context: "token-file")
    #expect(access.bearerToken?.file == directory.file("certs/token"))
    #expect(try access.bearerToken?.current() == "file-token")
  }

  @Test("A context without a user is anonymous")
  func anonymous() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let access = try ClusterAccess.kubeconfig(path: try Self.write(in: directory), context: "anonymous")
    #expect(access.bearerToken == nil)
    #expect(access.tls.clientCertificatePEM == nil)
  }

  @Test(
    "Missing pieces are configuration errors that name them",
    arguments: [
      ("missing", "context 'missing' not found in"),
      ("no-such-cluster", "cluster 'nowhere' (used by context 'no-such-cluster') not found in"),
      ("no-such-user", "user 'nobody' (used by context 'no-such-user') not found in"),
      ("exec", "uses an exec credential plugin, which podhop does not support"),
      ("half", "has a client certificate or a client key but not both"),
      ("broken-ca", "certificate-authority-data of cluster 'bad-base64'"),
    ])
  func missingPieces(context: String, expected: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try Self.write(in: directory)
    let error = #expect(throws: KubernetesError.self) { try ClusterAccess.kubeconfig(path: path, context: context) }
    #expect(error?.code == .configuration)
    #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    #expect(error?.message.contains("s3cr3t-token") == false)
  }

  @Test("The missing-context error names the file")
  func missingContextNamesFile() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try Self.write(in: directory)
    let error = #expect(throws: KubernetesError.self) { try ClusterAccess.kubeconfig(path: path, context: "x") }
    #expect(error?.message == "context 'x' not found in \(path)")
  }

  @Test("A missing file, a file without current-context, and malformed YAML are configuration errors")
  func unusableFiles() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let missing = #expect(throws: KubernetesError.self) {
      try ClusterAccess.kubeconfig(path: directory.file("nope"))
    }
    #expect(missing?.code == .configuration)
    #expect(missing?.message.contains(directory.file("nope")) == true)

    try "clusters: []\n".write(toFile: directory.file("empty"), atomically: true, encoding: .utf8)
    let noContext = #expect(throws: KubernetesError.self) {
      try ClusterAccess.kubeconfig(path: directory.file("empty"))
    }
    #expect(noContext?.message.contains("has no current-context") == true)

    try "clusters: [\n  - {".write(toFile: directory.file("bad"), atomically: true, encoding: .utf8)
    let malformed = #expect(throws: KubernetesError.self) { try ClusterAccess.kubeconfig(path: directory.file("bad")) }
    #expect(malformed?.code == .configuration)
    #expect(malformed?.message.contains("not valid YAML") == true)
  }
}
