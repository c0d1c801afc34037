import Core
import Foundation
import HTTPServer
import Storage

/// The `/v1/migrations` routes that change or list jobs.
extension APIHandler {
  func createMigration(_ request: HTTPRequest, _ principal: Principal) async throws -> HTTPResponse {
    try admitChange(request, principal)
    try requireJSON(request)
    try requireNoQuery(request)
    let requested = try MigrationRequestDecoder.decode(request.body)
    var idempotency: JobStore.IdempotencyKey?
    if let key = request.headers["Idempotency-Key"] {
      guard !key.isEmpty, key.utf8.count <= 255, key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7e }) else {
        throw Problem.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters")
      }
      idempotency = .init(
        principal: principal.name, key: key, requestHash: MigrationRequestDecoder.canonicalHash(requested),
        lifetime: configuration.idempotencyKeyLifetime)
    }
    let (migration, targetReason) = try await choosingTarget(requested)
    let outcome = try await store.create(
      migration, requestedBy: principal.name, trigger: .api, sourceAddress: request.remoteAddress, targetReason: targetReason,
      idempotency: idempotency
    ) { job in
      JSONWriter.job(job)
    }
    switch outcome {
    case .created(let job):
      logger.info("migration created", ["migration.id": job.id.rawValue, "requestedBy": principal.name])
      pool?.notifyWork()
      return json(202, JSONWriter.job(job), headers: [("Location", "/v1/migrations/\(job.id)")])
    case .replayed(let body, let id):
      return HTTPResponse(
        status: 202,
        headers: HTTPHeaders([
          ("Content-Type", "application/json"), ("Location", "/v1/migrations/\(id)"), ("Idempotent-Replayed", "true"),
        ]), body: body)
    case .idempotencyMismatch:
      throw Problem.invalid("this Idempotency-Key was used with a different request body")
    case .podBusy(let active):
      throw Problem.conflict(
        "pod-busy", "pod \(migration.source.namespace)/\(migration.source.pod) already has an active migration \(active)",
        extensions: ["activeMigration": active.rawValue])
    }
  }

  func listMigrations(_ request: HTTPRequest) async throws -> HTTPResponse {
    let query = try ListQuery(request.query)
    let page = try await store.list(query.filter, limit: query.limit, after: query.cursor)
    return json(200, JSONWriter.page(page.items, nextCursor: page.next?.token))
  }

  func cancel(_ id: MigrationID, _ request: HTTPRequest, _ principal: Principal) async throws -> HTTPResponse {
    try admitChange(request, principal)
    try requireEmptyBody(request)
    switch try await store.cancel(id, requestedBy: principal.name, sourceAddress: request.remoteAddress) {
    case .canceled(let job), .alreadyCanceled(let job):
      return json(200, JSONWriter.job(job))
    case .cancelRequested(let job):
      logger.info("cancel requested", ["migration.id": id.rawValue, "requestedBy": principal.name])
      pool?.requestCancel(id)
      return json(202, JSONWriter.job(job))
    case .finished(let job):
      throw Problem.conflict("already-finished", "migration \(id) already \(job.state.rawValue); it cannot be canceled")
    case .notFound:
      throw Problem.notFound("no migration \(id)")
    }
  }

  func retry(_ id: MigrationID, _ request: HTTPRequest, _ principal: Principal) async throws -> HTTPResponse {
    try admitChange(request, principal)
    try requireEmptyBody(request)
    switch try await store.retry(id, requestedBy: principal.name, sourceAddress: request.remoteAddress) {
    case .queued(let job):
      logger.info("retry requested", ["migration.id": id.rawValue, "stage": job.stage.rawValue, "requestedBy": principal.name])
      pool?.notifyWork()
      return json(202, JSONWriter.job(job))
    case .notFailed(let job):
      throw Problem.conflict("not-failed", "migration \(id) is \(job.state.rawValue); only failed migrations can be retried")
    case .podBusy(let active):
      throw Problem.conflict(
        "pod-busy", "the pod already has an active migration \(active)", extensions: ["activeMigration": active.rawValue])
    case .notFound:
      throw Problem.notFound("no migration \(id)")
    }
  }

  /// Refuses changes while shutting down, and callers over their rate.
  func admitChange(_ request: HTTPRequest, _ principal: Principal) throws(Problem) {
    if isDraining { throw Problem.unavailable("podhop is shutting down; retry against the new instance", retryAfter: 5) }
    if let wait = rateLimiter.acquire(principal.name) { throw Problem.tooManyRequests(retryAfter: wait) }
  }

  func requireJSON(_ request: HTTPRequest) throws(Problem) {
    let type = request.headers["Content-Type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    guard type == "application/json" else { throw Problem.unsupportedMediaType }
  }

  /// Action routes take no body; an empty JSON object is tolerated.
  private func requireEmptyBody(_ request: HTTPRequest) throws(Problem) {
    try requireNoQuery(request)
    guard !request.body.isEmpty else { return }
    try requireJSON(request)
    guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
      throw Problem.badRequest("the body must be empty or {}")
    }
    if !object.isEmpty {
      throw Problem.invalid(
        "this action takes no fields", errors: object.keys.sorted().map { .init(field: $0, message: "unknown field") })
    }
  }
}
