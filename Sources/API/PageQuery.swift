/// The `limit` and `cursor` parameters every list route takes, parsed the same way everywhere.
struct PageQuery<Cursor> {
  var limit = ListQuery.defaultLimit
  var cursor: Cursor?
  let parseCursor: (String) -> Cursor?

  init(cursor parseCursor: @escaping (String) -> Cursor?) { self.parseCursor = parseCursor }

  /// Takes `name=value` when it is `limit` or `cursor` (reporting a bad value to `fail`);
  /// false for any other parameter.
  mutating func take(_ name: String, _ value: String, _ fail: (String, String) -> Void) -> Bool {
    switch name {
    case "limit":
      if let number = Int(value), (1...ListQuery.maxLimit).contains(number) {
        limit = number
      } else {
        fail(name, "must be an integer from 1 to \(ListQuery.maxLimit)")
      }
    case "cursor":
      cursor = parseCursor(value)
      if cursor == nil { fail(name, "is not a cursor this server issued") }
    default: return false
    }
    return true
  }
}
