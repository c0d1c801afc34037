/// A value bound to or read from SQLite, one case per SQLite storage class.
public enum SQLValue: Sendable, Equatable {
  /// SQL `NULL`.
  case null
  /// A 64-bit signed integer.
  case integer(Int64)
  /// An IEEE 754 double.
  case real(Double)
  /// UTF-8 text.
  case text(String)
  /// Raw bytes. An empty blob is distinct from `NULL`.
  case blob([UInt8])
}
