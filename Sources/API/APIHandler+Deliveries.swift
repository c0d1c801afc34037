import Core
import HTTPServer
import Storage

/// `/v1/deliveries`: the outbound notifications, every attempt, and redelivery by hand.
extension APIHandler {
  func listDeliveries(_ request: HTTPRequest) async throws -> HTTPResponse {
    var subscription: String?
    var state: NotificationDelivery.State?
    var errors: [Problem.FieldError] = []
    var page = PageQuery { JobCursor(token: $0, id: { $0.hasPrefix("msg_") && $0.count <= 40 }) }
    for (name, value) in request.query where !page.take(name, value, { errors.append(.init(field: $0, message: $1)) }) {
      switch name {
      case "subscription": subscription = value
      case "state":
        state = NotificationDelivery.State(rawValue: value)
        if state == nil {
          errors.append(
            .init(
              field: name,
              message: "unknown state; one of \(NotificationDelivery.State.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
      default: errors.append(.init(field: name, message: "unknown query parameter"))
      }
    }
    if !errors.isEmpty { throw Problem.badRequest("the query has invalid parameters", errors: errors) }
    let found = try await store.deliveries(subscription: subscription, state: state, limit: page.limit, after: page.cursor)
    return json(200, JSONWriter.deliveryPage(found.items, nextCursor: found.next?.token))
  }

  func redeliver(_ id: String, _ request: HTTPRequest, _ principal: Principal) async throws -> HTTPResponse {
    try admitChange(request, principal)
    try requireNoQuery(request)
    guard request.body.isEmpty else { throw Problem.badRequest("this route takes no body") }
    switch try await store.redeliver(id, requestedBy: principal.name, sourceAddress: request.remoteAddress) {
    case .queued(let delivery): return json(202, JSONWriter.delivery(delivery))
    case .notFound: throw Problem.notFound("no delivery \(id)")
    }
  }
}
