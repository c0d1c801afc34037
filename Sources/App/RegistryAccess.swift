import API
import Foundation
import HTTPClient
import Registry

/// How podhop reaches a registry: credentials file, CA, client certificate, plain-HTTP
/// registries. The same flags for `podhop serve` and `podhop agent`.
struct RegistryAccess: Sendable {
  var authFile: String?
  var caFile: String?
  var clientCertificateFile: String?
  var clientKeyFile: String?
  var insecureRegistries: Set<String> = []

  /// The client configuration for pushing to `host`; files are read now, so a rotated Secret
  /// is picked up by the next call.
  func configuration(host: String) throws -> RegistryConfiguration {
    var credentials: [String: RegistryCredentials] = [:]
    if let authFile {
      do {
        if let found = try RegistryCredentials.load(authFile: authFile, registry: host) { credentials[host] = found }
      } catch {
        throw ConfigurationError("--registry-auth-file: \(error)")
      }
    }
    guard (clientCertificateFile == nil) == (clientKeyFile == nil) else {
      throw ConfigurationError("--registry-client-cert and --registry-client-key go together")
    }
    return RegistryConfiguration(
      plainHTTPRegistries: insecureRegistries,
      tls: TLSConfiguration(
        caPEM: try caFile.map { try Self.read($0, "--registry-ca-file") },
        clientCertificatePEM: try clientCertificateFile.map { try Self.read($0, "--registry-client-cert") },
        clientKeyPEM: try clientKeyFile.map { try Self.read($0, "--registry-client-key") }),
      credentials: credentials)
  }

  static func read(_ path: String, _ flag: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("\(flag): cannot read \(path)") }
    return Array(data)
  }
}
