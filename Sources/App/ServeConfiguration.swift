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

  /// One setting of `podhop serve`.
  public typealias Setting = CommandSetting<ServeConfiguration>

  /// Parses `arguments` (after `serve`) over `environment`. Unknown flags and invalid values
  /// throw an error naming the setting.
  public static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> ServeConfiguration {
    var configuration = ServeConfiguration()
    try settings.apply(to: &configuration, arguments: arguments, environment: environment, command: "serve")
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
    "Usage: podhop serve [options]\n\nRuns the podhop API and its worker pool.\n\n"
      + "Options (each also read from its environment variable; flags win):\n" + settings.helpText()
  }
}
