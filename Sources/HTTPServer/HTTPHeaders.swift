/// An ordered list of HTTP header fields whose names compare case-insensitively.
///
/// Order and repeated names are preserved as received, because some fields
/// (`Set-Cookie`, `Via`) are meaningful only as a list.
public struct HTTPHeaders: Sendable {
  /// The fields in the order they were received or added, names as spelled.
  public var pairs: [(name: String, value: String)]

  /// Creates a header list from name/value pairs, keeping their order.
  public init(_ pairs: [(String, String)] = []) {
    self.pairs = pairs.map { (name: $0.0, value: $0.1) }
  }

  /// The first value of the field `name` (case-insensitive), or `nil` if absent.
  public subscript(name: String) -> String? {
    pairs.first { Self.equalNames($0.name, name) }?.value
  }

  /// Every value of the field `name` (case-insensitive), in order.
  public func values(_ name: String) -> [String] {
    pairs.filter { Self.equalNames($0.name, name) }.map(\.value)
  }

  /// Appends a field; an existing field with the same name is kept.
  public mutating func add(_ name: String, _ value: String) {
    pairs.append((name: name, value: value))
  }

  /// Whether a field named `name` (case-insensitive) is present.
  public func contains(_ name: String) -> Bool {
    pairs.contains { Self.equalNames($0.name, name) }
  }

  /// ASCII case-insensitive comparison; header names are ASCII tokens (RFC 9110 §5.1).
  static func equalNames(_ lhs: String, _ rhs: String) -> Bool {
    let left = lhs.utf8
    let right = rhs.utf8
    guard left.count == right.count else { return false }
    return zip(left, right).allSatisfy { asciiLowercase($0) == asciiLowercase($1) }
  }

  private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
  }
}
