import Core
import Storage

/// The query string of `GET /v1/migrations`, parsed strictly: unknown parameters and invalid
/// values are a 400 naming each of them.
struct ListQuery {
  static let defaultLimit = 50
  static let maxLimit = 500

  var filter = JobFilter()
  var limit = defaultLimit
  var cursor: JobCursor?

  init(_ arguments: [(name: String, value: String)]) throws(Problem) {
    var errors: [Problem.FieldError] = []
    func fail(_ name: String, _ message: String) { errors.append(.init(field: name, message: message)) }
    func list(_ value: String) -> [String] { value.split(separator: ",").map(String.init) }
    var page = PageQuery { JobCursor(token: $0) }
    for (name, value) in arguments where !page.take(name, value, fail) {
      switch name {
      case "state":
        for word in list(value) {
          if let state = JobState(rawValue: word) {
            filter.states.append(state)
          } else {
            fail(name, "unknown state '\(word)'; one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
          }
        }
      case "stage":
        for word in list(value) {
          if let stage = Stage(rawValue: word) {
            filter.stages.append(stage)
          } else {
            fail(name, "unknown stage '\(word)'; one of \(Stage.allCases.map(\.rawValue).joined(separator: ", "))")
          }
        }
      case "namespace": filter.namespace = value
      case "pod": filter.pod = value
      case "node": filter.node = value
      case "requestedBy": filter.requestedBy = value
      case "trigger":
        if let trigger = Trigger(rawValue: value) { filter.trigger = trigger } else { fail(name, "must be api or webhook") }
      case "createdAfter", "createdBefore":
        guard let date = Timestamp.parse(value) else { fail(name, "must be an RFC 3339 timestamp"); continue }
        if name == "createdAfter" { filter.createdAfter = date } else { filter.createdBefore = date }
      case "label":
        let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, MigrationRequestDecoder.labelKeyProblem(String(parts[0])) == nil else {
          fail(name, "must be key=value with a valid label key"); continue
        }
        filter.labels.append((String(parts[0]), String(parts[1])))
      default:
        fail(name, "unknown query parameter")
      }
    }
    if !errors.isEmpty { throw Problem.badRequest("the query has invalid parameters", errors: errors) }
    limit = page.limit
    cursor = page.cursor
  }
}
