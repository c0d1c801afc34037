/// One result row, with its columns looked up by name.
///
/// Names match exactly first, then ignoring ASCII case (as SQLite does); when a result has two
/// columns of the same name, the leftmost wins. The typed accessors return `nil` for `NULL`, for
/// an absent column, and for a value of another storage class, except for the lossless
/// conversions each one documents.
public struct Row: Sendable {
  /// Column names in result order; shared by every row of one result.
  public let columnNames: [String]
  private let indexByName: [String: Int]
  private let values: [SQLValue]

  init(columnNames: [String], indexByName: [String: Int], values: [SQLValue]) {
    self.columnNames = columnNames
    self.indexByName = indexByName
    self.values = values
  }

  /// Builds the name-to-index table for a result; the leftmost of duplicate names wins.
  static func index(of columnNames: [String]) -> [String: Int] {
    var index: [String: Int] = [:]
    for (position, name) in columnNames.enumerated() where index[name] == nil {
      index[name] = position
    }
    return index
  }

  /// The value of `column`, or `.null` when the row has no such column.
  public subscript(_ column: String) -> SQLValue {
    if let position = indexByName[column] {
      return values[position]
    }
    let wanted = column.lowercased()
    if let position = columnNames.firstIndex(where: { $0.lowercased() == wanted }) {
      return values[position]
    }
    return .null
  }

  /// The column as text; `nil` unless it holds `.text`.
  public func string(_ column: String) -> String? {
    if case .text(let value) = self[column] { value } else { nil }
  }

  /// The column as an `Int`; also accepts a `.real` with an integral value that fits.
  public func int(_ column: String) -> Int? {
    int64(column).flatMap { Int(exactly: $0) }
  }

  /// The column as an `Int64`; also accepts a `.real` with an integral value that fits.
  public func int64(_ column: String) -> Int64? {
    switch self[column] {
    case .integer(let value): value
    case .real(let value): Int64(exactly: value)
    default: nil
    }
  }

  /// The column as a `Double`; also accepts `.integer`.
  public func double(_ column: String) -> Double? {
    switch self[column] {
    case .real(let value): value
    case .integer(let value): Double(value)
    default: nil
    }
  }

  /// The column as a `Bool`: `.integer(0)` is `false`, any other integer is `true`.
  public func bool(_ column: String) -> Bool? {
    if case .integer(let value) = self[column] { value != 0 } else { nil }
  }

  /// The column as bytes; also accepts `.text` (its UTF-8 bytes).
  public func blob(_ column: String) -> [UInt8]? {
    switch self[column] {
    case .blob(let value): value
    case .text(let value): Array(value.utf8)
    default: nil
    }
  }
}
