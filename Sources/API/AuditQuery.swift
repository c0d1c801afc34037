import Core
import Storage

/// The query string of `GET /v1/audit`, parsed strictly: unknown parameters and invalid values
/// are a 400 naming each of them.
struct AuditQuery {
  var filter = AuditFilter()
  var limit = ListQuery.defaultLimit
  var cursor: AuditCursor?

  init(_ arguments: [(name: String, value: String)]) throws(Problem) {
    var errors: [Problem.FieldError] = []
    func fail(_ name: String, _ message: String) { errors.append(.init(field: name, message: message)) }
    for (name, value) in arguments {
      switch name {
      case "actor": filter.actor = value
      case "target": filter.target = value
      case "action":
        guard let action = AuditAction(rawValue: value) else {
          fail(name, "unknown action; one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))"); continue
        }
        filter.action = action
      case "since", "until":
        guard let date = Timestamp.parse(value) else { fail(name, "must be an RFC 3339 timestamp"); continue }
        if name == "since" { filter.since = date } else { filter.until = date }
      case "limit":
        guard let number = Int(value), (1...ListQuery.maxLimit).contains(number) else {
          fail(name, "must be an integer from 1 to \(ListQuery.maxLimit)"); continue
        }
        limit = number
      case "cursor":
        guard let parsed = AuditCursor(token: value) else { fail(name, "is not a cursor this server issued"); continue }
        cursor = parsed
      default:
        fail(name, "unknown query parameter")
      }
    }
    if !errors.isEmpty { throw Problem.badRequest("the query has invalid parameters", errors: errors) }
  }
}
