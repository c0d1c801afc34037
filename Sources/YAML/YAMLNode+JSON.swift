import Foundation

extension YAMLNode {
  /// Converts to Foundation JSON-like values (String, Int, Double, Bool, NSNull, [Any],
  /// [String: Any]) applying the YAML 1.2 core schema to plain scalars; quoted scalars stay
  /// strings.
  ///
  /// - Plain scalars: null forms become `NSNull()`, `true`/`false` forms `Bool`, integers
  ///   (decimal, `0x`, `0o`) `Int`, floats (including `.inf` and `.nan`) `Double`, anything else
  ///   `String`. A decimal integer too large for `Int` becomes a `Double`.
  /// - Mappings become `[String: Any]`: a scalar key contributes its text (so plain `1:` gives
  ///   `"1"`), a collection key its `String(describing:)` form. When keys repeat, the first wins,
  ///   as with `subscript(key:)`.
  ///
  /// Infinity and NaN are valid here but not in JSON, so `JSONSerialization` rejects them.
  public var jsonValue: Any {
    switch self {
    case .scalar(let text, quoted: true):
      return text
    case .scalar(let text, quoted: false):
      switch CoreSchemaValue(plain: text) {
      case .null: return NSNull()
      case .bool(let value): return value
      case .int(let value): return value
      case .double(let value): return value
      case .string(let value): return value
      }
    case .sequence(let items):
      return items.map(\.jsonValue)
    case .mapping(let entries):
      var object: [String: Any] = [:]
      object.reserveCapacity(entries.count)
      for entry in entries {
        let key = entry.key.string ?? String(describing: entry.key.jsonValue)
        if object[key] == nil {
          object[key] = entry.value.jsonValue
        }
      }
      return object
    }
  }
}
