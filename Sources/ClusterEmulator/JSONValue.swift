import Foundation
import YAML

/// A JSON document: Kubernetes objects are kept as open JSON so fields the emulator does not
/// interpret (resources, probes, tolerations, …) round-trip like they do through a real API server.
public enum JSONValue: Sendable, Equatable, Codable {
  /// `null`.
  case null
  /// `true` / `false`.
  case bool(Bool)
  /// A number without fraction or exponent.
  case int(Int64)
  /// Any other number.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object (member order is not kept; output sorts keys).
  case object([String: JSONValue])

  /// Decodes JSON text; integers stay integers.
  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
  }

  /// Decodes YAML text (YAML 1.2 core schema) into the same model.
  public static func parseYAML(_ bytes: [UInt8]) throws -> JSONValue {
    try JSONValue(foundation: YAMLDocument.parse(bytes: bytes).jsonValue)
  }

  /// Converts Foundation JSON values (`JSONSerialization` / `YAMLNode.jsonValue` output).
  init(foundation value: Any) throws {
    switch value {
    case is NSNull: self = .null
    case let value as Bool: self = .bool(value)
    case let value as Int: self = .int(Int64(value))
    case let value as Double: self = .double(value)
    case let value as String: self = .string(value)
    case let value as [Any]: self = .array(try value.map { try JSONValue(foundation: $0) })
    case let value as [String: Any]: self = .object(try value.mapValues { try JSONValue(foundation: $0) })
    default: throw EmulatorError("unsupported value \(value)")
    }
  }

  /// Decodes any JSON value; integers before doubles.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  /// Encodes the value as is.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// Compact JSON with sorted keys.
  public func encoded() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding a JSONValue cannot fail: every case maps to a JSON value (non-finite doubles
    // never enter the model from JSON input).
    return [UInt8]((try? encoder.encode(self)) ?? Data("null".utf8))
  }

  /// The JSON text.
  public var text: String { String(decoding: encoded(), as: UTF8.self) }

  /// The member `key` of an object (`nil` for other values); setting on a non-object makes it one.
  public subscript(key: String) -> JSONValue? {
    get {
      if case .object(let members) = self { return members[key] }
      return nil
    }
    set {
      var members: [String: JSONValue] = [:]
      if case .object(let existing) = self { members = existing }
      members[key] = newValue
      self = .object(members)
    }
  }

  /// The string, or `nil`.
  public var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The integer (a whole double counts), or `nil`.
  public var int: Int64? {
    switch self {
    case .int(let value): return value
    case .double(let value) where value.rounded() == value && abs(value) < 9e18: return Int64(value)
    default: return nil
    }
  }

  /// The boolean, or `nil`.
  public var bool: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The elements, or `nil`.
  public var array: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The members, or `nil`.
  public var object: [String: JSONValue]? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// An object of string members, e.g. labels; non-string members are dropped.
  var stringMap: [String: String] {
    (object ?? [:]).compactMapValues(\.string)
  }

  /// An object from string pairs.
  static func strings(_ map: [String: String]) -> JSONValue {
    .object(map.mapValues { .string($0) })
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
  /// A string value.
  public init(stringLiteral value: String) { self = .string(value) }
  /// A boolean value.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  /// An integer value.
  public init(integerLiteral value: Int64) { self = .int(value) }
  /// An array value.
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  /// An object value.
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  /// `null`.
  public init(nilLiteral: ()) { self = .null }
}

/// A failure inside the emulator with a message for a person (configuration, tools, files).
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
  /// What went wrong.
  public let description: String

  /// Creates an error with a message.
  public init(_ description: String) { self.description = description }
}
