import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite("In-cluster configuration and resolve()")
struct InClusterTests {
  static let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

  /// A service-account directory like the one Kubernetes mounts.
  static func serviceAccount(in directory: TemporaryDirectory, token: String = "sa-token") throws -> String {
    let path = directory.file("serviceaccount")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try KubeconfigTests.caPEM.write(toFile: path + "/ca.crt", atomically: true, encoding: .utf8)
    try token.write(toFile: path + "/token", atomically: true, encoding: .utf8)
    try "podhop-system\n".write(toFile: path + "/namespace", atomically: true, encoding: .utf8)
    return path
  }

  @Test("Host, port, token, CA and namespace come from the environment and the service account")
  func inCluster() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let serviceAccount = try Self.serviceAccount(in: directory)
    let access = try ClusterAccess.inCluster(environment: Self.environment, serviceAccountDirectory: serviceAccount)
    #expect(access.server == "https://10.96.0.1:443")
    #expect(access.tls.caPEM == Array(KubeconfigTests.caPEM.utf8))
    #expect(access.bearerToken?.file == serviceAccount + "/token")
    #expect(try access.bearerToken?.current() == "sa-token")
    #expect(access.namespace == "podhop-system")
  }

  @Test("An IPv6 service host is put in brackets")
  func ipv6() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let access = try ClusterAccess.inCluster(
      environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "6443"],
      serviceAccountDirectory: try Self.serviceAccount(in: directory))
    #expect(access.server == "https://[fd00:10:96::1]:6443")
  }

  @Test("Missing variables, CA or token are configuration errors naming what is missing")
  func missingPieces() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let serviceAccount = try Self.serviceAccount(in: directory)
    let noEnvironment = #expect(throws: KubernetesError.self) {
      try ClusterAccess.inCluster(environment: [:], serviceAccountDirectory: serviceAccount)
    }
    #expect(noEnvironment?.code == .configuration)
    #expect(noEnvironment?.message.contains("KUBERNETES_SERVICE_HOST") == true)

    try FileManager.default.removeItem(atPath: serviceAccount + "/token")
    let noToken = #expect(throws: KubernetesError.self) {
      try ClusterAccess.inCluster(environment: Self.environment, serviceAccountDirectory: serviceAccount)
    }
    #expect(noToken?.message.contains(serviceAccount + "/token") == true)

    try FileManager.default.removeItem(atPath: serviceAccount + "/ca.crt")
    let noCA = #expect(throws: KubernetesError.self) {
      try ClusterAccess.inCluster(environment: Self.environment, serviceAccountDirectory: serviceAccount)
    }
    #expect(noCA?.message.contains(serviceAccount + "/ca.crt") == true)
  }

  @Test("resolve() prefers the explicit path, then the first $KUBECONFIG entry")
  func resolvePrecedence() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let kubeconfig = try KubeconfigTests.write(in: directory)
    // A second kubeconfig whose current context points elsewhere, to see which file was used.
    let other = directory.file("other")
    try """
    current-context: c
    clusters: [{name: c, cluster: {server: "https://other:6443"}}]
    contexts: [{name: c, context: {cluster: c}}]
    """.write(toFile: other, atomically: true, encoding: .utf8)
    _ = try Self.serviceAccount(in: directory)
    var environment = Self.environment
    environment["KUBECONFIG"] = "\(other):\(kubeconfig)"

    let explicit = try ClusterAccess.resolve(kubeconfig: kubeconfig, environment: environment)
    #expect(explicit.server == "https://10.0.0.1:6443")
    let fromVariable = try ClusterAccess.resolve(kubeconfig: nil, environment: environment)
    #expect(fromVariable.server == "https://other:6443")
  }

  @Test("resolve() falls back to in-cluster, and says all three were tried when that fails too")
  func resolveFallback() throws {
    let error = #expect(throws: KubernetesError.self) {
      try ClusterAccess.resolve(kubeconfig: nil, environment: ["KUBECONFIG": ""])
    }
    #expect(error?.code == .configuration)
    let message = error?.message ?? ""
    #expect(message.contains("no kubeconfig path was given"))
    #expect(message.contains("$KUBECONFIG is not set"))
    #expect(message.contains("in-cluster configuration failed"))
    #expect(message.contains("KUBERNETES_SERVICE_HOST"))
  }

  @Test("resolve() reports a broken $KUBECONFIG instead of silently using in-cluster access")
  func resolveBrokenVariable() throws {
    let error = #expect(throws: KubernetesError.self) {
      try ClusterAccess.resolve(kubeconfig: nil, environment: ["KUBECONFIG": "/nonexistent/podhop-config"])
    }
    #expect(error?.message.contains("from $KUBECONFIG") == true)
    #expect(error?.message.contains("/nonexistent/podhop-config") == true)
  }
}
