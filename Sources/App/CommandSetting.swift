import API
import Core
import HTTPServer

/// One setting of a long-running command (`serve`, `agent`): its flag, environment variable,
/// default as shown in help, and how it applies to the command's configuration.
public struct CommandSetting<Configuration>: Sendable {
  public let flag: String
  public let environment: String
  public let placeholder: String
  public let defaultValue: String
  public let help: String
  let apply: @Sendable (inout Configuration, String) throws(ConfigurationError) -> Void

  init(
    flag: String, environment: String, placeholder: String, defaultValue: String, help: String,
    apply: @escaping @Sendable (inout Configuration, String) throws(ConfigurationError) -> Void
  ) {
    self.flag = flag
    self.environment = environment
    self.placeholder = placeholder
    self.defaultValue = defaultValue
    self.help = help
    self.apply = apply
  }
}

extension CommandSetting {
  /// `--listen HOST:PORT` into the command's HTTP configuration at `http`.
  static func listen(
    environment: String, defaultValue: String, what: String,
    _ http: WritableKeyPath<Configuration, HTTPServerConfiguration> & Sendable
  ) -> CommandSetting {
    CommandSetting(
      flag: "--listen", environment: environment, placeholder: "HOST:PORT", defaultValue: defaultValue,
      help: "Address \(what) listens on (IPv4; port 0 picks a free port)."
    ) { c, v throws(ConfigurationError) in
      (c[keyPath: http].host, c[keyPath: http].port) = try listenAddress(v, example: defaultValue)
    }
  }

  /// `--log-level LEVEL` into the command's configuration at `level`.
  static func logLevel(_ level: WritableKeyPath<Configuration, Logger.Level> & Sendable) -> CommandSetting {
    CommandSetting(
      flag: "--log-level", environment: "PODHOP_LOG_LEVEL", placeholder: "LEVEL", defaultValue: "info",
      help: "debug, info, warning or error."
    ) { c, v throws(ConfigurationError) in
      guard let parsed = Logger.Level(rawValue: v) else {
        throw ConfigurationError("--log-level must be debug, info, warning or error")
      }
      c[keyPath: level] = parsed
    }
  }
}

extension Array {
  /// Applies environment variables, then `arguments` (`--flag VALUE` or `--flag=VALUE`; flags
  /// win) to `configuration`. Unknown flags and invalid values throw naming the setting.
  func apply<Configuration>(
    to configuration: inout Configuration, arguments: [String], environment: [String: String], command: String
  ) throws(ConfigurationError) where Element == CommandSetting<Configuration> {
    for setting in self {
      if let value = environment[setting.environment] { try setting.apply(&configuration, value) }
    }
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      let pieces = argument.split(separator: "=", maxSplits: 1).map(String.init)
      guard let flag = pieces.first, let setting = first(where: { $0.flag == flag }) else {
        throw ConfigurationError("unknown option \(pieces.first ?? argument); see 'podhop \(command) --help'")
      }
      guard let value = pieces.count > 1 ? pieces[1] : rest.popFirst() else {
        throw ConfigurationError("\(flag) needs a value (\(setting.placeholder))")
      }
      try setting.apply(&configuration, value)
    }
  }

  /// The options part of `--help`: each setting with its variable and default.
  func helpText<Configuration>() -> String where Element == CommandSetting<Configuration> {
    var text = ""
    for setting in self {
      text +=
        "  \(setting.flag) \(setting.placeholder)\n      \(setting.help) [env \(setting.environment); default \(setting.defaultValue)]\n"
    }
    return text + "  --help\n      Show this text.\n"
  }
}

/// `HOST:PORT` with an IPv4 host, as `--listen` takes it.
func listenAddress(_ value: String, example: String) throws(ConfigurationError) -> (host: String, port: UInt16) {
  let parts = value.split(separator: ":", omittingEmptySubsequences: false)
  guard parts.count == 2, let port = UInt16(parts[1]), parts[0].split(separator: ".").count == 4,
    parts[0].split(separator: ".").allSatisfy({ UInt8($0) != nil })
  else { throw ConfigurationError("--listen must be IPV4:PORT, e.g. \(example) (got '\(value)')") }
  return (String(parts[0]), port)
}
