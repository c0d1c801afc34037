import Foundation
import HTTPClient

extension ClusterAccess {
  /// The directory where Kubernetes mounts a pod's service-account token, CA and namespace.
  public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

  /// Access from inside a pod: `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` from
  /// `environment` (an IPv6 host is put in brackets), and `token`, `ca.crt` and (optionally)
  /// `namespace` from `serviceAccountDirectory`.
  ///
  /// The token is a `TokenSource` on the file, so the kubelet's hourly rotation is picked up.
  /// Throws `.configuration` naming the missing variable or file.
  public static func inCluster(
    environment: [String: String], serviceAccountDirectory: String = defaultServiceAccountDirectory
  ) throws(KubernetesError) -> ClusterAccess {
    let host = environment["KUBERNETES_SERVICE_HOST"] ?? ""
    let port = environment["KUBERNETES_SERVICE_PORT"] ?? ""
    guard !host.isEmpty, !port.isEmpty else {
      throw KubernetesError(
        code: .configuration,
        message: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set: not running in a pod")
    }
    guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
      throw KubernetesError(code: .configuration, message: "KUBERNETES_SERVICE_PORT '\(port)' is not a port number")
    }
    let authority = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    let directory = serviceAccountDirectory.hasSuffix("/") ? serviceAccountDirectory : serviceAccountDirectory + "/"

    let caPath = directory + "ca.crt"
    guard let ca = FileManager.default.contents(atPath: caPath), !ca.isEmpty else {
      throw KubernetesError(
        code: .configuration, message: "cannot read the service account CA \(caPath): is a service account mounted?")
    }
    let token = TokenSource(file: directory + "token")
    // Read once now, so a missing token is a configuration error at start-up, not a 401 later.
    _ = try token.current()
    let namespace = FileManager.default.contents(atPath: directory + "namespace")
      .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
      .flatMap { $0.isEmpty ? nil : $0 }
    return ClusterAccess(
      server: "https://\(authority):\(portNumber)", tls: TLSConfiguration(caPEM: [UInt8](ca)), bearerToken: token,
      namespace: namespace)
  }
}
