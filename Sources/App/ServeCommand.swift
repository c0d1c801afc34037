import API
import Core
import Foundation
import HTTPServer
import Notifications
import Queue
import SQLite
import Storage

/// `podhop serve`: opens the database, starts the worker pool and the HTTP API, and shuts both
/// down in two phases on SIGTERM or SIGINT.
public enum ServeCommand {
  /// Runs until a signal arrives; returns the process exit code.
  public static func run(arguments: [String], environment: [String: String]) async -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
      print(ServeConfiguration.help, terminator: "")
      return 0
    }
    let configuration: ServeConfiguration
    do { configuration = try ServeConfiguration.parse(arguments: arguments, environment: environment) } catch {
      FileHandle.standardError.write(Data("podhop serve: \(error)\n".utf8))
      return 2
    }
    let logger = Logger(minimum: configuration.logLevel)
    do {
      return try await serve(configuration, environment: environment, logger: logger)
    } catch {
      logger.error("podhop serve could not start", ["error": String(describing: error)])
      FileHandle.standardError.write(Data("podhop serve: \(error)\n".utf8))
      return 1
    }
  }

  static func serve(_ configuration: ServeConfiguration, environment: [String: String], logger: Logger) async throws -> Int32 {
    let tokens = try TokenFile(contents: try read(configuration.tokensFile!, "--tokens-file"))
    let hooks = try configuration.hooksFile.map { path in try HookFile(contents: try read(path, "--hooks-file")) } ?? .none
    let subscriptions: NotificationSubscriptions
    do {
      subscriptions =
        try configuration.notificationsFile.map { path in
          try NotificationSubscriptions(contents: try read(path, "--notifications-file"))
        } ?? .none
    } catch let error as NotificationConfigurationError {
      throw ConfigurationError("--notifications-file: \(error)")
    }
    let lock = try DatabaseLock(databasePath: configuration.databasePath)
    defer { lock.release() }
    // This process holds the database lock, so every lease in the file belongs to a process that
    // is gone: openStore returns those jobs to the queue now instead of waiting for their leases
    // to expire.
    let (store, orphans) = try await openStore(
      path: configuration.databasePath, maxAttempts: configuration.pool.retry.maxAttempts,
      notifying: Set(subscriptions.all.flatMap(\.types)))
    defer { store.close() }
    if orphans > 0 { logger.warning("jobs of a previous process returned to the queue", ["count": String(orphans)]) }

    let metrics = MetricsRegistry()
    var poolConfiguration = configuration.pool
    var executors: [Stage: any StageExecutor] = [:]
    var preflight: PreflightCheck?
    var targets: TargetPlanning?
    switch try StageCatalog.build(configuration.stages, environment: environment, logger: logger) {
    case .ready(let ready, let check, let planning):
      executors = ready
      preflight = check
      targets = planning
    case .notConfigured(let reason):
      logger.warning("stages not configured; serving the API only", ["reason": reason])
      poolConfiguration.stagesUnavailableReason = reason
    }
    let pool = WorkerPool(store: store, executors: executors, configuration: poolConfiguration, logger: logger, metrics: metrics)
    let api = APIHandler(
      store: store, pool: pool, tokens: tokens, configuration: configuration.api, logger: logger, metrics: metrics,
      preflight: preflight, hooks: hooks, targets: targets)
    var http = configuration.http
    http.maxBodyBytes = configuration.api.maxBodyBytes
    let server = HTTPServer(
      configuration: http, immediate: { api.handleNow($0) }, handler: { await api.handle($0) },
      rejection: { api.rejection($0, $1) })
    let signals = ShutdownSignals()
    try server.start()
    logger.info("server listening", ["address": "\(http.host):\(server.port)", "workers": String(configuration.pool.width)])

    // Awaited below, after the signal: the pool's run() ends when this task is cancelled.
    let poolTask = Task { await pool.run() }
    let deliverer = NotificationDeliverer(
      store: store, subscriptions: subscriptions,
      guardrail: DestinationGuard(allowPrivate: configuration.notifyPrivateDestinations),
      configuration: configuration.notifications, logger: logger)
    let delivererTask = Task { await deliverer.run() }
    let retentionTask = Task {
      guard configuration.retentionDays > 0 else { return }
      await RetentionLoop(
        store: store, age: .seconds(configuration.retentionDays * 86_400), interval: .seconds(3600), logger: logger
      ).run()
    }
    let signal = await signals.next()
    logger.info("shutdown started", ["signal": signal, "graceSeconds": String(describing: configuration.shutdownGrace)])
    api.startDraining()
    pool.stopLeasing()
    let deadline = ContinuousClock.now + configuration.shutdownGrace
    while !pool.isIdle && ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(50))
    }
    if !pool.isIdle { logger.warning("grace period over; interrupting running stages") }
    poolTask.cancel()
    delivererTask.cancel()
    retentionTask.cancel()
    await poolTask.value
    await delivererTask.value
    await retentionTask.value
    await server.shutdown(deadline: .seconds(5))
    logger.info("shutdown complete")
    return 0
  }

  private static func read(_ path: String, _ flag: String) throws -> String {
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ConfigurationError("\(flag): cannot read \(path)")
    }
  }
}
