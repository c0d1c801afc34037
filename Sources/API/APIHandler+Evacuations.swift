import Core
import HTTPServer
import Storage

/// `/v1/evacuations`: move every movable pod off a node, and choosing target nodes.
extension APIHandler {
  func createEvacuation(_ request: HTTPRequest, _ principal: Principal) async throws -> HTTPResponse {
    try admitChange(request, principal)
    try requireJSON(request)
    try requireNoQuery(request)
    let evacuation = try EvacuationRequestDecoder.decode(request.body)
    let key = request.headers["Idempotency-Key"]
    if let key, key.isEmpty || key.utf8.count > 255 { throw Problem.badRequest("Idempotency-Key must be 1 to 255 characters") }
    return try await evacuate(
      evacuation, requestedBy: principal.name, trigger: .api, sourceAddress: request.remoteAddress, deliveryID: nil,
      requestKey: key)
  }

  /// Plans and stores an evacuation: 202 with it, or its first version for a repeated key.
  func evacuate(
    _ evacuation: EvacuationRequest, requestedBy: String, trigger: Trigger, sourceAddress: String, deliveryID: String?,
    requestKey: String?
  ) async throws -> HTTPResponse {
    let targets = try requireTargets("evacuate a node")
    let plan = try await planning { try await targets.planEvacuation(evacuation) }
    let outcome = try await store.createEvacuation(
      evacuation, plan: plan, requestedBy: requestedBy, trigger: trigger, sourceAddress: sourceAddress,
      deliveryID: deliveryID, requestKey: requestKey)
    switch outcome {
    case .created(let created):
      logger.info(
        "evacuation created",
        ["evacuation.id": created.id.rawValue, "node": evacuation.node, "jobs": String(created.jobs.count)])
      pool?.notifyWork()
      return json(202, JSONWriter.evacuation(created), headers: [("Location", "/v1/evacuations/\(created.id)")])
    case .replayed(let existing):
      return json(
        202, JSONWriter.evacuation(existing),
        headers: [("Location", "/v1/evacuations/\(existing.id)"), ("Idempotent-Replayed", "true")])
    }
  }

  func listEvacuations(_ request: HTTPRequest) async throws -> HTTPResponse {
    var errors: [Problem.FieldError] = []
    var query = PageQuery { JobCursor(token: $0) }
    for (name, value) in request.query where !query.take(name, value, { errors.append(.init(field: $0, message: $1)) }) {
      errors.append(.init(field: name, message: "unknown query parameter"))
    }
    if !errors.isEmpty { throw Problem.badRequest("the query has invalid parameters", errors: errors) }
    let page = try await store.evacuations(limit: query.limit, after: query.cursor)
    return json(200, JSONWriter.evacuationPage(page.items, nextCursor: page.next?.token))
  }

  func getEvacuation(_ id: MigrationID) async throws -> HTTPResponse {
    guard let evacuation = try await store.evacuation(id) else { throw Problem.notFound("no evacuation \(id)") }
    return json(200, JSONWriter.evacuation(evacuation))
  }

  /// The migration with its target node chosen by podhop when the caller named none.
  func choosingTarget(_ migration: NewMigration) async throws -> (NewMigration, reason: String?) {
    guard migration.targetNode.isEmpty else { return (migration, nil) }
    let targets = try requireTargets("choose a target node; name targetNode")
    let move = try await planning { try await targets.chooseTarget(migration) }
    var chosen = migration
    chosen.targetNode = move.targetNode
    return (chosen, move.reason)
  }

  private func requireTargets(_ what: String) throws(Problem) -> TargetPlanning {
    guard let targets else {
      throw Problem.unavailable("this podhop has no cluster configured, so it cannot \(what)", retryAfter: 60)
    }
    return targets
  }

  /// Runs a planning call, mapping its failures: the cluster did not answer → 503; the request
  /// cannot be planned (no such node, no node fits) → 422.
  private func planning<T>(_ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let error as StageError where error.isRetryable {
      throw Problem.unavailable("podhop could not ask the cluster: \(error.message)", retryAfter: 5)
    } catch let error as StageError {
      throw Problem.invalid(error.message)
    }
  }
}
