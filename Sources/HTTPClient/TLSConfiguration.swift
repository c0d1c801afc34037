/// TLS settings for every `https` request of one `HTTPClient`, given as PEM bytes in memory.
///
/// They go to libcurl as `CURLOPT_CAINFO_BLOB`, `CURLOPT_SSLCERT_BLOB` and `CURLOPT_SSLKEY_BLOB`,
/// which copy the bytes: no temporary files hold keys.
public struct TLSConfiguration: Sendable {
  /// Certificate authorities to trust, PEM. `nil` uses the system's bundle.
  public var caPEM: [UInt8]?
  /// A client certificate (chain) for mutual TLS, PEM; needs `clientKeyPEM`.
  public var clientCertificatePEM: [UInt8]?
  /// The client certificate's private key, PEM, unencrypted.
  public var clientKeyPEM: [UInt8]?
  /// Skips verifying the server's certificate and host name. For tests and explicit opt-in only.
  public var insecureSkipVerify = false

  /// Creates a configuration; the defaults verify against the system's CA bundle.
  public init(
    caPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
    insecureSkipVerify: Bool = false
  ) {
    self.caPEM = caPEM
    self.clientCertificatePEM = clientCertificatePEM
    self.clientKeyPEM = clientKeyPEM
    self.insecureSkipVerify = insecureSkipVerify
  }
}
