/// A server certificate (chain) and its private key, both PEM, for serving HTTPS.
///
/// libmicrohttpd hands them to GnuTLS, so any key format GnuTLS reads works: PKCS#8
/// (`BEGIN PRIVATE KEY`), `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`, unencrypted.
public struct TLSCredentials: Sendable {
  /// The server certificate, optionally followed by intermediate certificates, PEM.
  public var certificatePEM: [UInt8]
  /// The unencrypted private key of the certificate, PEM.
  public var privateKeyPEM: [UInt8]

  /// Creates credentials from PEM bytes.
  public init(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
  }
}
