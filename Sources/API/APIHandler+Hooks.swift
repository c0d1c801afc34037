import Core
import Foundation
import HTTPServer
import Storage

/// `POST /v1/hooks/{name}`: signed webhook deliveries from maintenance and drain systems.
extension APIHandler {
  func receiveHook(_ name: String, _ request: HTTPRequest) async throws -> HTTPResponse {
    let actor = AuditActor(name: "hook:\(name)", sourceAddress: request.remoteAddress)
    if isDraining { throw Problem.unavailable("podhop is shutting down; retry against the new instance", retryAfter: 5) }
    // Unsigned traffic is limited per address before anything is written for it.
    if let wait = rateLimiter.acquire("address:\(request.remoteAddress)") { throw Problem.tooManyRequests(retryAfter: wait) }
    guard let hook = hooks.hooks[name] else {
      try await store.recordAudit(actor, .hookRefused, target: "hook/\(name)", details: ["reason": "no such hook"])
      throw Problem.notFound("no hook \(name)")
    }
    let deliveryID: String
    do {
      deliveryID = try hook.verifier.verify(
        headers: request.headers, body: request.body, now: Date(), tolerance: configuration.webhookTolerance)
    } catch {
      logger.warning("webhook refused", ["hook": name, "reason": error.reason, "address": request.remoteAddress])
      try await store.recordAudit(actor, .hookRefused, target: "hook/\(name)", details: ["reason": error.reason])
      throw Problem.unverifiedDelivery
    }
    do {
      switch hook.kind {
      case .migrate: return try await migrate(for: hook, deliveryID, request, actor)
      case .drain: return try await drain(for: hook, deliveryID, request, actor)
      }
    } catch let problem as Problem {
      try await store.recordAudit(
        actor, .hookRefused, target: "hook/\(name)", details: ["reason": problem.detail, "deliveryId": deliveryID])
      throw problem
    }
  }

  /// A `migrate` delivery: the body of `POST /v1/migrations`, one job; the delivery id is the
  /// idempotency key, so a redelivery gets the first response and creates nothing.
  private func migrate(for hook: Hook, _ deliveryID: String, _ request: HTTPRequest, _ actor: AuditActor) async throws
    -> HTTPResponse
  {
    try requireJSON(request)
    let requested = try MigrationRequestDecoder.decode(request.body)
    let idempotency = JobStore.IdempotencyKey(
      principal: actor.name, key: deliveryID, requestHash: MigrationRequestDecoder.canonicalHash(requested),
      lifetime: configuration.idempotencyKeyLifetime)
    let (migration, targetReason) = try await choosingTarget(requested)
    let outcome = try await store.create(
      migration, requestedBy: actor.name, trigger: .webhook, sourceAddress: actor.sourceAddress, deliveryID: deliveryID,
      targetReason: targetReason, idempotency: idempotency
    ) { job in JSONWriter.job(job) }
    let target = "hook/\(hook.name)"
    switch outcome {
    case .created(let job):
      logger.info("migration created", ["migration.id": job.id.rawValue, "requestedBy": actor.name, "deliveryId": deliveryID])
      try await store.recordAudit(
        actor, .hookAccepted, target: target,
        details: ["deliveryId": deliveryID, "migration": job.id.rawValue, "outcome": "created"])
      pool?.notifyWork()
      return json(202, JSONWriter.job(job), headers: [("Location", "/v1/migrations/\(job.id)")])
    case .replayed(let body, let id):
      try await store.recordAudit(
        actor, .hookAccepted, target: target,
        details: ["deliveryId": deliveryID, "migration": id.rawValue, "outcome": "duplicate"])
      return json(202, body, headers: [("Location", "/v1/migrations/\(id)"), ("Idempotent-Replayed", "true")])
    case .idempotencyMismatch:
      throw Problem.invalid("delivery \(deliveryID) was received before with a different body")
    case .podBusy(let active):
      throw Problem.conflict(
        "pod-busy", "pod \(migration.source.namespace)/\(migration.source.pod) already has an active migration \(active)",
        extensions: ["activeMigration": active.rawValue])
    }
  }

  /// A `drain` delivery: `{"node": …, "targetNode": optional, …}`, an evacuation; the delivery id
  /// makes a redelivery answer the first evacuation.
  private func drain(for hook: Hook, _ deliveryID: String, _ request: HTTPRequest, _ actor: AuditActor) async throws
    -> HTTPResponse
  {
    try requireJSON(request)
    let evacuation = try EvacuationRequestDecoder.decode(request.body)
    let response = try await evacuate(
      evacuation, requestedBy: actor.name, trigger: .webhook, sourceAddress: actor.sourceAddress, deliveryID: deliveryID,
      requestKey: deliveryID)
    let outcome = response.headers["Idempotent-Replayed"] == nil ? "created" : "duplicate"
    try await store.recordAudit(
      actor, .hookAccepted, target: "hook/\(hook.name)", details: ["deliveryId": deliveryID, "outcome": outcome])
    return response
  }
}
