import Foundation

/// JSON encoding as the API publishes it: RFC 3339 UTC timestamps with fractional seconds,
/// sorted keys.
enum JSONCoding {
  static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(date.formatted(timestampStyle))
    }
    return encoder
  }

  static func encode<T: Encodable>(_ value: T) throws -> [UInt8] { Array(try encoder().encode(value)) }

  /// Parses an RFC 3339 timestamp, with or without fractional seconds.
  static func parseTimestamp(_ text: String) -> Date? {
    if let date = try? timestampStyle.parse(text) { return date }
    return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
  }
}
