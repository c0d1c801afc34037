import HTTPClient

/// Calls a kubelet directly: `https://NODE_ADDRESS:10250`, with the kubelet's own TLS (its
/// serving CA, or `insecureSkipVerify` for self-signed kubelet certificates) and a token or a
/// client certificate.
///
/// Least privilege compared with the API-server proxy: the identity needs only `create` on
/// `nodes/checkpoint`, but podhop needs network reach to the node's port 10250.
public final class KubeletClient: Sendable {
  let transport: KubernetesTransport

  /// Creates a client for one kubelet.
  ///
  /// - Parameters:
  ///   - baseURL: such as `https://10.0.0.7:10250` (an IPv6 address in brackets).
  ///   - tls: the CA that signed the kubelet's serving certificate, and a client certificate if
  ///     the kubelet should authenticate podhop by certificate.
  ///   - token: a bearer token the kubelet checks with a TokenReview, or `nil`.
  public init(baseURL: String, tls: TLSConfiguration, token: TokenSource?) {
    transport = KubernetesTransport(baseURL: baseURL, tls: tls, token: token)
  }

  /// Checkpoints a container with `POST /checkpoint/{namespace}/{pod}/{container}?timeout=N`
  /// and returns the archive's path on the node (`items[0]` of the answer, not validated).
  ///
  /// N is `timeout` in whole seconds rounded up; the HTTP request may take `timeout` + 30 s.
  /// Errors keep the kubelet's plain-text body in `message` (see
  /// `KubernetesClient.checkpointThroughProxy` for the texts to expect).
  public func checkpoint(namespace: String, pod: String, container: String, timeout: Duration)
    async throws(KubernetesError) -> String
  {
    let checkpoint = try CheckpointRequest(namespace: namespace, pod: pod, container: container, timeout: timeout)
    let json = try await transport.json(
      "POST", checkpoint.path, query: checkpoint.query, timeout: checkpoint.requestTimeout)
    return try CheckpointRequest.archivePath(from: json, operation: "POST \(checkpoint.path)")
  }
}
