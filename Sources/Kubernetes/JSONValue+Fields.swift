extension JSONValue {
  /// The value at a dotted path of object members, such as `value(at: "status", "podIP")`.
  func value(at keys: String...) -> JSONValue? {
    var current: JSONValue? = self
    for key in keys { current = current?[key] }
    return current
  }

  /// An object of string values as a dictionary (labels, annotations, allocatable); members
  /// that are not strings are left out.
  var stringMap: [String: String] {
    (object ?? [:]).compactMapValues(\.string)
  }

  /// Whether a `conditions` array holds `{"type": type, "status": "True"}`.
  func hasTrueCondition(_ type: String) -> Bool {
    (array ?? []).contains { $0["type"]?.string == type && $0["status"]?.string == "True" }
  }
}
