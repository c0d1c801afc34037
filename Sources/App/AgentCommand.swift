import API
import Core
import Foundation
import HTTPServer
import NodeAgent
import Registry

/// `podhop agent`: the node agent. Serves the node's checkpoint archives to the controller over
/// an authenticated HTTP API and applies the retention policy, until SIGTERM or SIGINT.
enum AgentCommand {
  static func run(arguments: [String], environment: [String: String]) async -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
      print(AgentConfiguration.help, terminator: "")
      return 0
    }
    let configuration: AgentConfiguration
    do { configuration = try AgentConfiguration.parse(arguments: arguments, environment: environment) } catch {
      FileHandle.standardError.write(Data("podhop agent: \(error)\n".utf8))
      return 2
    }
    let logger = Logger(minimum: configuration.logLevel)
    do {
      try await serve(configuration, logger: logger)
      return 0
    } catch {
      logger.error("podhop agent could not start", ["error": String(describing: error)])
      FileHandle.standardError.write(Data("podhop agent: \(error)\n".utf8))
      return 1
    }
  }

  static func serve(_ configuration: AgentConfiguration, logger: Logger) async throws {
    let token = try AgentToken(file: configuration.tokenFile!)
    var http = configuration.http
    if let certificate = configuration.tlsCertificateFile, let key = configuration.tlsKeyFile {
      http.tls = TLSCredentials(
        certificatePEM: try RegistryAccess.read(certificate, "--tls-cert-file"),
        privateKeyPEM: try RegistryAccess.read(key, "--tls-key-file"))
    }
    let directory = ArchiveDirectory(path: configuration.checkpointDirectory)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ConfigurationError("--checkpoint-dir \(directory.path) is not a directory: mount the kubelet's checkpoint directory")
    }
    let registry = configuration.registry
    let publications = Publications(
      directory: directory,
      registry: { reference in RegistryClient(configuration: try registry.configuration(host: reference.registry)) },
      logger: logger)
    let handler = AgentHandler(token: token, directory: directory, publications: publications, logger: logger)
    let server = HTTPServer(configuration: http, handler: { await handler.handle($0) }, rejection: { handler.rejection($0, $1) })
    let signals = ShutdownSignals()
    try server.start()
    logger.info(
      "server listening",
      ["address": "\(http.host):\(server.port)", "checkpointDirectory": directory.path, "tls": String(http.tls != nil)])
    let sweeper = RetentionSweeper(
      directory: directory, policy: configuration.retention, publications: publications, time: SystemTimeSource(),
      logger: logger)
    // Cancelled and awaited below, after the signal.
    let sweeping = Task { await sweeper.run(every: configuration.retentionInterval) }
    let signal = await signals.next()
    logger.info("shutdown started", ["signal": signal])
    sweeping.cancel()
    await sweeping.value
    // Running uploads end with the process; the controller's next attempt starts them again.
    await server.shutdown(deadline: .seconds(5))
    logger.info("shutdown complete")
  }
}
