import API
import Foundation
import HTTPClient
import Registry

/// How podhop reaches a registry: credentials file, CA, client certificate, plain-HTTP
/// registries. The same flags for `podhop serve` and `podhop agent`.
public struct RegistryAccess: Sendable {
  public var authFile: String?
  public var caFile: String?
  /// PEM client certificate and key for registries that require mutual TLS.
  public var clientCertificateFile: String?
  public var clientKeyFile: String?
  public var insecureRegistries: Set<String> = []

  public init() {}

  /// The registry flags of a command whose configuration keeps them at `access`.
  static func settings<Configuration>(
    _ access: WritableKeyPath<Configuration, RegistryAccess> & Sendable, authFileHelp: String
  ) -> [CommandSetting<Configuration>] {
    [
      CommandSetting(
        flag: "--registry-auth-file", environment: "PODHOP_REGISTRY_AUTH_FILE", placeholder: "PATH",
        defaultValue: "(anonymous)", help: authFileHelp
      ) { c, v throws(ConfigurationError) in c[keyPath: access].authFile = v },
      CommandSetting(
        flag: "--registry-ca-file", environment: "PODHOP_REGISTRY_CA_FILE", placeholder: "PATH", defaultValue: "(system CAs)",
        help: "PEM CA bundle that signs the registry's certificate."
      ) { c, v throws(ConfigurationError) in c[keyPath: access].caFile = v },
      CommandSetting(
        flag: "--registry-client-cert", environment: "PODHOP_REGISTRY_CLIENT_CERT", placeholder: "PATH", defaultValue: "(none)",
        help: "PEM client certificate for a registry that requires mutual TLS (with --registry-client-key)."
      ) { c, v throws(ConfigurationError) in c[keyPath: access].clientCertificateFile = v },
      CommandSetting(
        flag: "--registry-client-key", environment: "PODHOP_REGISTRY_CLIENT_KEY", placeholder: "PATH", defaultValue: "(none)",
        help: "PEM private key of --registry-client-cert."
      ) { c, v throws(ConfigurationError) in c[keyPath: access].clientKeyFile = v },
      CommandSetting(
        flag: "--insecure-registry", environment: "PODHOP_INSECURE_REGISTRY", placeholder: "HOST:PORT", defaultValue: "(none)",
        help: "A registry spoken to over plain HTTP; comma-separated for several."
      ) { c, v throws(ConfigurationError) in
        c[keyPath: access].insecureRegistries.formUnion(v.split(separator: ",").map(String.init))
      },
    ]
  }

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
