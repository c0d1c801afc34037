import HTTPClient

/// Where the API server is and how to authenticate.
///
/// Build one from a kubeconfig file (`kubeconfig(path:context:)`), from a pod's service account
/// (`inCluster(environment:serviceAccountDirectory:)`), or let `resolve(kubeconfig:environment:)`
/// pick the way the deployment calls for.
public struct ClusterAccess: Sendable {
  /// The API server's base URL, such as `https://127.0.0.1:6443`, without a trailing slash; it
  /// may carry a path prefix (Rancher-style proxies). `http://` is allowed, for tests.
  public var server: String
  /// CA and client certificate for the API server.
  public var tls: TLSConfiguration
  /// The bearer token; `nil` with client certificates or anonymous access.
  public var bearerToken: TokenSource?
  /// The namespace the configuration names (kubeconfig context `namespace`, or the service
  /// account's `namespace` file), if any.
  public var namespace: String?

  /// Creates access from its parts; `server` loses any trailing `/`.
  public init(server: String, tls: TLSConfiguration = .init(), bearerToken: TokenSource? = nil, namespace: String? = nil) {
    var server = server
    while server.hasSuffix("/") { server.removeLast() }
    self.server = server
    self.tls = tls
    self.bearerToken = bearerToken
    self.namespace = namespace
  }

  /// Access from, in this order: the explicit kubeconfig path, else the first entry of
  /// `$KUBECONFIG` (a `:`-separated list), else the pod's in-cluster service account.
  ///
  /// An explicit path or `$KUBECONFIG` that is set but broken is an error of its own, without
  /// falling back: configuration someone asked for should not be silently replaced. When
  /// neither is set and in-cluster access fails, the error says that all three were tried.
  ///
  /// `serviceAccountDirectory` is where in-cluster access reads `token` and `ca.crt`.
  public static func resolve(
    kubeconfig: String?, environment: [String: String], serviceAccountDirectory: String = defaultServiceAccountDirectory
  ) throws(KubernetesError) -> ClusterAccess {
    if let kubeconfig, !kubeconfig.isEmpty {
      return try self.kubeconfig(path: kubeconfig)
    }
    let list = environment["KUBECONFIG"] ?? ""
    if let first = list.split(separator: ":", omittingEmptySubsequences: true).first {
      do throws(KubernetesError) {
        return try self.kubeconfig(path: String(first))
      } catch {
        throw KubernetesError(code: error.code, message: "from $KUBECONFIG: \(error.message)")
      }
    }
    do throws(KubernetesError) {
      return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
    } catch {
      throw KubernetesError(
        code: .configuration,
        message: "no cluster access: no kubeconfig path was given, $KUBECONFIG is not set, "
          + "and in-cluster configuration failed (\(error.message))")
    }
  }
}
