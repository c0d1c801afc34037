import API
import Core
import Foundation
import HTTPServer
import NodeAgent

/// Everything `podhop agent` can be told, from flags or their environment variables (flags win).
public struct AgentConfiguration: Sendable {
  public var http = HTTPServerConfiguration()
  public var tokenFile: String?
  public var checkpointDirectory = "/var/lib/kubelet/checkpoints"
  public var tlsCertificateFile: String?
  public var tlsKeyFile: String?
  var registry = RegistryAccess()
  public var retention = RetentionPolicy(maxAge: 24 * 3600, maxBytes: 10 << 30)
  public var retentionInterval: Duration = .seconds(300)
  public var logLevel = Logger.Level.info

  public init() {
    http.host = "0.0.0.0"
    http.port = 9443
    http.threads = 2
    http.maxBodyBytes = 64 << 10
    http.perIPConnectionLimit = 64
  }

  /// One setting of `podhop agent`.
  public typealias Setting = CommandSetting<AgentConfiguration>

  /// Parses `arguments` (after `agent`) over `environment`.
  public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> AgentConfiguration {
    var configuration = AgentConfiguration()
    try settings.apply(to: &configuration, arguments: arguments, environment: environment, command: "agent")
    guard configuration.tokenFile != nil else {
      throw ConfigurationError("--token-file (PODHOP_AGENT_TOKEN_FILE) is required: the agent accepts only that token")
    }
    guard (configuration.tlsCertificateFile == nil) == (configuration.tlsKeyFile == nil) else {
      throw ConfigurationError("--tls-cert-file and --tls-key-file go together")
    }
    return configuration
  }

  /// The text of `podhop agent --help`.
  public static var help: String {
    """
    Usage: podhop agent [options]

    Runs the node agent: serves this node's checkpoint archives to the podhop controller
    (list, inspect, publish to a registry, delete) and applies the retention policy.

    Options (each also read from its environment variable; flags win):

    """ + settings.helpText()
  }
}
