/// A Swift value that can be bound to a `?` parameter of a statement.
///
/// `Int`, `Int64`, `Double`, `String`, `Bool` (as 0 or 1), `[UInt8]` (as a blob) and
/// ``SQLValue`` conform, and so does an `Optional` of any of them (`nil` binds `NULL`).
public protocol SQLBindable {
  /// The value to bind.
  var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
  /// The value itself.
  public var sqlValue: SQLValue { self }
}

extension Int: SQLBindable {
  /// The integer as `.integer`.
  public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
  /// The integer as `.integer`.
  public var sqlValue: SQLValue { .integer(self) }
}

extension Double: SQLBindable {
  /// The number as `.real`.
  public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
  /// The string as `.text`.
  public var sqlValue: SQLValue { .text(self) }
}

extension Bool: SQLBindable {
  /// `true` as `.integer(1)`, `false` as `.integer(0)`, matching SQLite's boolean convention.
  public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Array: SQLBindable where Element == UInt8 {
  /// The bytes as `.blob`.
  public var sqlValue: SQLValue { .blob(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
  /// The wrapped value's binding, or `.null` for `nil`.
  public var sqlValue: SQLValue {
    switch self {
    case .some(let value): value.sqlValue
    case .none: .null
    }
  }
}
