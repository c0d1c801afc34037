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
    var page = PageQuery { AuditCursor(token: $0) }
    for (name, value) in arguments where !page.take(name, value, fail) {
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
      default:
        fail(name, "unknown query parameter")
      }
    }
    if !errors.isEmpty { throw Problem.badRequest("the query has invalid parameters", errors: errors) }
    limit = page.limit
    cursor = page.cursor
  }
}
