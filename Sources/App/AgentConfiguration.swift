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

  /// One setting: flag, environment variable, default as shown in help, and how it applies.
  public struct Setting: Sendable {
    public let flag: String
    public let environment: String
    public let placeholder: String
    public let defaultValue: String
    public let help: String
    let apply: @Sendable (inout AgentConfiguration, String) throws(ConfigurationError) -> Void
  }

  /// Parses `arguments` (after `agent`) over `environment`.
  public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> AgentConfiguration {
    var configuration = AgentConfiguration()
    for setting in settings {
      if let value = environment[setting.environment] { try setting.apply(&configuration, value) }
    }
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      let pieces = argument.split(separator: "=", maxSplits: 1).map(String.init)
      guard let setting = settings.first(where: { $0.flag == pieces[0] }) else {
        throw ConfigurationError("unknown option \(pieces[0]); see 'podhop agent --help'")
      }
      guard let value = pieces.count > 1 ? pieces[1] : rest.popFirst() else {
        throw ConfigurationError("\(setting.flag) needs a value (\(setting.placeholder))")
      }
      try setting.apply(&configuration, value)
    }
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
    var text = """
      Usage: podhop agent [options]

      Runs the node agent: serves this node's checkpoint archives to the podhop controller
      (list, inspect, publish to a registry, delete) and applies the retention policy.

      Options (each also read from its environment variable; flags win):

      """
    for setting in settings {
      text +=
        "  \(setting.flag) \(setting.placeholder)\n      \(setting.help) [env \(setting.environment); default \(setting.defaultValue)]\n"
    }
    return text + "  --help\n      Show this text.\n"
  }
}
