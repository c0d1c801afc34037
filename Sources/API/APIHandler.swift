import Core
import Foundation
import HTTPServer
import Queue
import SQLite
import Storage
import Synchronization

/// The REST API: authenticates, routes, validates and answers every request; maps every error
/// to problem+json in one place (`respond`) and records request metrics.
public final class APIHandler: Sendable {
  /// Settings of the API layer.
  public struct Configuration: Sendable {
    public var maxBodyBytes = 1 << 20
    /// Changing requests per second per caller (0 disables), and the burst allowed.
    public var rateLimitPerSecond: Double = 50
    public var rateLimitBurst: Double = 100
    public var idempotencyKeyLifetime: Duration = .seconds(24 * 3600)
    /// How far a Standard Webhooks timestamp may be from now, in seconds.
    public var webhookTolerance: Int64 = 300
    /// Event streams (`events?follow=true`) open at once; more get 503.
    public var followStreamLimit = 64
    /// Silence after which an event stream sends a keep-alive comment.
    public var followHeartbeat: Duration = .seconds(15)
    /// The longest an event stream waits before reading the store again without a wake-up.
    public var followPollInterval: Duration = .seconds(2)
    public init() {}
  }

  let store: JobStore
  let pool: WorkerPool?
  let tokens: TokenFile
  let configuration: Configuration
  let logger: Logger
  let metrics: MetricsRegistry
  let rateLimiter: RateLimiter
  let draining = Atomic<Bool>(false)
  let followers = StreamCounter()

  let preflight: PreflightCheck?
  let hooks: HookFile
  let targets: TargetPlanning?

  /// `preflight` runs the pre-flight checks for `POST /v1/preflight`; nil when no cluster is
  /// configured (the route then answers 503).
  public init(
    store: JobStore, pool: WorkerPool?, tokens: TokenFile, configuration: Configuration, logger: Logger, metrics: MetricsRegistry,
    preflight: PreflightCheck? = nil, hooks: HookFile = .none, targets: TargetPlanning? = nil
  ) {
    self.preflight = preflight
    self.targets = targets
    self.hooks = hooks
    self.store = store
    self.pool = pool
    self.tokens = tokens
    self.configuration = configuration
    self.logger = logger
    self.metrics = metrics
    rateLimiter = RateLimiter(ratePerSecond: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
    metrics.describe("podhop_http_requests_total", type: "counter", help: "HTTP requests by route, method and status.")
    metrics.describe("podhop_http_request_duration_seconds", type: "histogram", help: "HTTP request latency by route.")
  }

  /// From now on changing requests get 503 and /readyz reports not ready (graceful shutdown).
  public func startDraining() { draining.store(true, ordering: .sequentiallyConsistent) }

  var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }

  /// Answers one request.
  public func handle(_ request: HTTPRequest) async -> HTTPResponse {
    let started = ContinuousClock.now
    let match = Route.match(method: request.method, path: request.path)
    let response: HTTPResponse
    do {
      response = try await respond(match, request)
    } catch {
      response = problemResponse(error, match, request)
    }
    record(match, request, response, since: started)
    return response
  }

  /// Answers a request that only reads (jobs, events, lists, health) on the calling thread,
  /// blocking on the database; nil for every other request. For libmicrohttpd's threads.
  public func handleNow(_ request: HTTPRequest) -> HTTPResponse? {
    let started = ContinuousClock.now
    let match = Route.match(method: request.method, path: request.path)
    guard case .route(let route) = match, route.readsOnly, !Self.wantsFollow(route, request),
      !Self.wantsExport(route, request)
    else { return nil }
    let response: HTTPResponse
    do {
      response = try respondNow(route, request)
    } catch {
      response = problemResponse(error, match, request)
    }
    record(match, request, response, since: started)
    return response
  }

  private func problemResponse(_ error: any Error, _ match: Route.Match, _ request: HTTPRequest) -> HTTPResponse {
    if let problem = error as? Problem { return problem.response(instance: request.path) }
    logger.error("request failed", ["route": match.label, "error": String(describing: error)])
    return Self.problem(for: error).response(instance: request.path)
  }

  private func record(
    _ match: Route.Match, _ request: HTTPRequest, _ response: HTTPResponse, since started: ContinuousClock.Instant
  ) {
    let seconds = (ContinuousClock.now - started) / .seconds(1)
    metrics.increment(
      "podhop_http_requests_total",
      labels: [("route", match.label), ("method", request.method), ("status", String(response.status))])
    metrics.observe("podhop_http_request_duration_seconds", labels: [("route", match.label)], value: seconds)
  }

  /// The answer for a request the server refused before reading its body.
  public func rejection(_ rejection: HTTPRejection, _ request: HTTPRequest) -> HTTPResponse {
    let problem: Problem
    switch rejection {
    case .bodyTooLarge(let limit): problem = .payloadTooLarge(limit: limit)
    case .conflictingLengthHeaders: problem = .badRequest("a request must not carry both Content-Length and Transfer-Encoding")
    case .malformedRequest(let reason): problem = .badRequest(reason)
    }
    metrics.increment(
      "podhop_http_requests_total",
      labels: [("route", "rejected"), ("method", request.method), ("status", String(problem.status))])
    return problem.response(instance: request.path)
  }

  /// Unexpected errors become a generic 500, except a full disk or a busy database, which are
  /// temporary and answered with 503.
  static func problem(for error: any Error) -> Problem {
    if let error = error as? SQLiteError, error.isFull || error.isBusy {
      return .unavailable("the database cannot accept writes right now (\(error.isFull ? "disk full" : "locked"))", retryAfter: 5)
    }
    return .internalError
  }

  private func respond(_ match: Route.Match, _ request: HTTPRequest) async throws -> HTTPResponse {
    let route: Route
    switch match {
    case .route(let matched): route = matched
    case .notFound: throw Problem.notFound("no resource at \(request.path)")
    case .badID:
      throw Problem.notFound("'\(request.path.split(separator: "/").dropFirst(2).first ?? "")' is not an id podhop issued")
    case .methodNotAllowed(let methods):
      var response = Problem.methodNotAllowed("\(request.method) is not allowed here; use \(methods.joined(separator: ", "))")
        .response(instance: request.path)
      response.headers.add("Allow", methods.joined(separator: ", "))
      return response
    }
    let follow = Self.wantsFollow(route, request)
    let export = Self.wantsExport(route, request)
    if route.readsOnly && !follow && !export { return try respondNow(route, request) }
    let principal = try authorize(route, request)
    if export && !follow { return try await self.export(route, request) }
    switch route {
    case .ready:
      if isDraining { return text(503, "shutting down\n") }
      return await store.ping() ? text(200, "ready\n") : text(503, "database unavailable\n")
    case .metrics: return try await metricsResponse()
    case .createMigration: return try await createMigration(request, principal!)
    case .cancelMigration(let id): return try await cancel(id, request, principal!)
    case .retryMigration(let id): return try await retry(id, request, principal!)
    case .preflight: return try await checkPreflight(request, principal!)
    case .hook(let name): return try await receiveHook(name, request)
    case .createEvacuation: return try await createEvacuation(request, principal!)
    case .listEvacuations: return try await listEvacuations(request)
    case .getEvacuation(let id): return try await getEvacuation(id)
    case .listDeliveries: return try await listDeliveries(request)
    case .redeliver(let id): return try await redeliver(id, request, principal!)
    case .migrationEvents(let id) where follow: return try await followEvents(id, request)
    case .health, .openAPI, .listMigrations, .getMigration, .migrationEvents, .listAudit:
      preconditionFailure("read-only routes are answered by respondNow")
    }
  }

  /// The read-only routes, answered with blocking reads on the calling thread.
  private func respondNow(_ route: Route, _ request: HTTPRequest) throws -> HTTPResponse {
    _ = try authorize(route, request)
    switch route {
    case .health: return text(200, "ok\n")
    case .openAPI:
      return HTTPResponse(
        status: 200, headers: HTTPHeaders([("Content-Type", "application/yaml")]), body: Array(OpenAPIDocument.text.utf8))
    case .listMigrations:
      let query = try ListQuery(request.query)
      let page = try store.blocking.list(query.filter, limit: query.limit, after: query.cursor)
      return json(200, JSONWriter.page(page.items, nextCursor: page.next?.token))
    case .getMigration(let id):
      guard let job = try store.blocking.job(id) else { throw Problem.notFound("no migration \(id)") }
      return json(200, JSONWriter.job(job))
    case .migrationEvents(let id):
      try checkEventsQuery(request)
      guard let events = try store.blocking.events(id) else { throw Problem.notFound("no migration \(id)") }
      return json(200, JSONWriter.events(events))
    case .listAudit:
      let query = try AuditQuery(request.query)
      let page = try store.blocking.audit(query.filter, limit: query.limit, after: query.cursor)
      return json(200, JSONWriter.auditPage(page.items, nextCursor: page.next?.token))
    case .ready, .metrics, .createMigration, .cancelMigration, .retryMigration, .preflight, .hook, .createEvacuation,
      .listEvacuations, .getEvacuation, .listDeliveries, .redeliver:
      preconditionFailure("only read-only routes are answered here")
    }
  }

  /// The caller, when the route needs one and their role allows it.
  private func authorize(_ route: Route, _ request: HTTPRequest) throws(Problem) -> Principal? {
    guard let role = route.requiredRole else { return nil }
    let caller = try authenticate(request)
    guard caller.role >= role else {
      throw Problem.forbidden("\(caller.name) has role \(caller.role.rawValue); this needs \(role.rawValue)")
    }
    return caller
  }

  private func authenticate(_ request: HTTPRequest) throws(Problem) -> Principal {
    guard let header = request.headers["Authorization"], header.utf8.count > 7, header.prefix(7).lowercased() == "bearer ",
      let principal = tokens.principal(forToken: String(header.dropFirst(7).drop(while: { $0 == " " })))
    else { throw Problem.unauthenticated }
    return principal
  }

  func json(_ status: Int, _ body: [UInt8], headers: [(String, String)] = []) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers), body: body)
  }

  private func text(_ status: Int, _ body: String) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]), body: Array(body.utf8))
  }

  func requireNoQuery(_ request: HTTPRequest) throws(Problem) {
    if let first = request.query.first {
      throw Problem.badRequest(
        "unexpected query parameter", errors: [.init(field: first.name, message: "unknown query parameter")])
    }
  }
}
