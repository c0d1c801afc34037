/// A JSON value that is Sendable, for Kubernetes objects podhop copies and edits (a pod spec).
///
/// Numbers are held as `Double`, as JSON defines them: integers up to 2^53 in magnitude are
/// exact, and `bytes` writes an integral number without a fraction (`3`, not `3.0`). Objects
/// are unordered; `bytes` writes their keys sorted, so equal values serialize identically.
public enum JSONValue: Sendable, Equatable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number.
  case number(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object; member order is not kept.
  case object([String: JSONValue])

  /// The member `key` of an object; `nil` for a missing member or when this is not an object.
  ///
  /// Setting a member on a non-object first turns the value into an empty object; setting
  /// `nil` removes the member.
  public subscript(key: String) -> JSONValue? {
    get {
      guard case .object(let members) = self else { return nil }
      return members[key]
    }
    set {
      var members: [String: JSONValue]
      if case .object(let existing) = self { members = existing } else { members = [:] }
      // Release our copy before mutating, so the dictionary is not copied on write.
      self = .null
      members[key] = newValue
      self = .object(members)
    }
  }

  /// The string, if this is a string.
  public var string: String? {
    guard case .string(let value) = self else { return nil }
    return value
  }

  /// The number as an `Int`, if this is a number with no fractional part that fits.
  public var int: Int? {
    guard case .number(let value) = self, value.rounded(.towardZero) == value else { return nil }
    return Int(exactly: value)
  }

  /// The number, if this is a number.
  public var double: Double? {
    guard case .number(let value) = self else { return nil }
    return value
  }

  /// The boolean, if this is `true` or `false` (never a number).
  public var bool: Bool? {
    guard case .bool(let value) = self else { return nil }
    return value
  }

  /// The elements, if this is an array.
  public var array: [JSONValue]? {
    guard case .array(let elements) = self else { return nil }
    return elements
  }

  /// The members, if this is an object.
  public var object: [String: JSONValue]? {
    guard case .object(let members) = self else { return nil }
    return members
  }

  /// Whether this is `null`.
  public var isNull: Bool { self == .null }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
  /// A string literal.
  public init(stringLiteral value: String) { self = .string(value) }
  /// An integer literal.
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  /// A floating-point literal.
  public init(floatLiteral value: Double) { self = .number(value) }
  /// `true` or `false`.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  /// An array literal.
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  /// A dictionary literal; a repeated key keeps its last value.
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  /// `nil` is `null`.
  public init(nilLiteral: ()) { self = .null }
}
