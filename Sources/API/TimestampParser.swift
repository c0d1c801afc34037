import Foundation

extension Timestamp {
  /// Parses an RFC 3339 timestamp (query parameters), with or without fractional seconds.
  static func parse(_ text: String) -> Date? {
    if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) { return date }
    return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
  }
}
