import API
import Core
import Foundation
import HTTPServer
import Notifications
import Queue

/// Everything `podhop serve` can be told, from flags or their environment variables (flags win).
public struct ServeConfiguration: Sendable {
  public var http = HTTPServerConfiguration()
  public var databasePath = "./podhop.db"
  public var tokensFile: String?
  /// Days finished work is kept; 0 keeps it forever.
  public var retentionDays = 90
  /// The inbound webhooks' file; nil for none.
  public var hooksFile: String?
  /// The outbound notification subscriptions' file; nil for none.
  public var notificationsFile: String?
  public var notifications = NotificationDeliverer.Configuration()
  /// Whether notifications may go to loopback and link-local addresses.
  public var notifyPrivateDestinations = false
  public var pool = WorkerPool.Configuration()
  public var api = APIHandler.Configuration()
  public var shutdownGrace: Duration = .seconds(30)
  public var stages = StageConfiguration()
  public var logLevel = Logger.Level.info

  public init() {
    http.host = "127.0.0.1"
    http.port = 8080
    http.perIPConnectionLimit = 256
  }

  /// One setting: its flag, environment variable, default as shown in help, and how it applies.
  public struct Setting: Sendable {
    public let flag: String
    public let environment: String
    public let placeholder: String
    public let defaultValue: String
    public let help: String
    let apply: @Sendable (inout ServeConfiguration, String) throws(ConfigurationError) -> Void
  }

  /// Parses `arguments` (after `serve`) over `environment`. Unknown flags and invalid values
  /// throw an error naming the setting.
  public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> ServeConfiguration {
    var configuration = ServeConfiguration()
    for setting in settings {
      if let value = environment[setting.environment] {
        try setting.apply(&configuration, value)
      }
    }
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      let (flag, inline) = argument.split(separator: "=", maxSplits: 1).map(String.init).splitFlag
      guard let setting = settings.first(where: { $0.flag == flag }) else {
        throw ConfigurationError("unknown option \(flag); see 'podhop serve --help'")
      }
      let value: String
      if let inline {
        value = inline
      } else {
        index += 1
        guard index < arguments.count else { throw ConfigurationError("\(flag) needs a value (\(setting.placeholder))") }
        value = arguments[index]
      }
      try setting.apply(&configuration, value)
      index += 1
    }
    guard configuration.tokensFile != nil else {
      throw ConfigurationError(
        "--tokens-file (PODHOP_TOKENS_FILE) is required: the API accepts only bearer tokens from that file")
    }
    guard configuration.pool.heartbeatInterval < configuration.pool.leaseDuration else {
      throw ConfigurationError("--lease-seconds must be at least 2 so the heartbeat can extend the lease in time")
    }
    return configuration
  }

  /// The text of `podhop serve --help`.
  public static var help: String {
    var text =
      "Usage: podhop serve [options]\n\nRuns the podhop API and its worker pool.\n\nOptions (each also read from its environment variable; flags win):\n"
    for setting in settings {
      text +=
        "  \(setting.flag) \(setting.placeholder)\n      \(setting.help) [env \(setting.environment); default \(setting.defaultValue)]\n"
    }
    return text + "  --help\n      Show this text.\n"
  }
}

extension Array where Element == String {
  fileprivate var splitFlag: (String, String?) { (self[0], count > 1 ? self[1] : nil) }
}
