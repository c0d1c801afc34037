import Foundation

extension JSONValue {
  /// Parses one JSON document (any value at top level, not only objects).
  ///
  /// `true`/`false` become `.bool` and never `.number`, although Foundation hands both out as
  /// `NSNumber`. Throws `.unexpectedResponse` for malformed JSON.
  public init(parsing bytes: [UInt8]) throws(KubernetesError) {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    } catch {
      throw KubernetesError(
        code: .unexpectedResponse, message: "the body is not valid JSON (\(bytes.count) bytes)")
    }
    self = try Self(foundation: object)
  }

  /// The value serialized as compact JSON, object keys sorted, `/` not escaped.
  ///
  /// An integral number within ±2^63 is written as an integer. Non-finite numbers cannot be
  /// JSON: they are a programming error here.
  public var bytes: [UInt8] {
    do {
      let data = try JSONSerialization.data(
        withJSONObject: foundationObject, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
      return [UInt8](data)
    } catch {
      // Every JSONValue except non-finite numbers is representable (checked in
      // foundationObject), so this is unreachable.
      preconditionFailure("JSONSerialization rejected a JSONValue: \(error)")
    }
  }

  /// Foundation's boolean class on this platform (`__NSCFBoolean`), to tell `true` from `1`.
  private static let booleanType: ObjectIdentifier = ObjectIdentifier(type(of: NSNumber(value: true)))

  private init(foundation object: Any) throws(KubernetesError) {
    switch object {
    case is NSNull:
      self = .null
    case let number as NSNumber:
      // Test the class before any `as? Bool`: that bridging also accepts the numbers 0 and 1.
      if ObjectIdentifier(type(of: number)) == Self.booleanType {
        self = .bool(number.boolValue)
      } else {
        self = .number(number.doubleValue)
      }
    case let string as String:
      self = .string(string)
    case let array as [Any]:
      var elements: [JSONValue] = []
      elements.reserveCapacity(array.count)
      for element in array { elements.append(try JSONValue(foundation: element)) }
      self = .array(elements)
    case let dictionary as [String: Any]:
      var members: [String: JSONValue] = [:]
      members.reserveCapacity(dictionary.count)
      for (key, value) in dictionary { members[key] = try JSONValue(foundation: value) }
      self = .object(members)
    default:
      throw KubernetesError(
        code: .unexpectedResponse, message: "the JSON parser produced an unexpected \(type(of: object))")
    }
  }

  private var foundationObject: Any {
    switch self {
    case .null: return NSNull()
    case .bool(let value): return value
    case .number(let value):
      // NaN and infinity are not JSON; a caller putting them in is a programming error.
      precondition(value.isFinite, "JSON numbers must be finite")
      if value.rounded(.towardZero) == value, let integer = Int64(exactly: value) { return integer }
      return value
    case .string(let value): return value
    case .array(let elements): return elements.map(\.foundationObject)
    case .object(let members): return members.mapValues(\.foundationObject)
    }
  }
}
