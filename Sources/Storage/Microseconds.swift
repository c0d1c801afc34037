import Foundation

/// Timestamps are stored as INTEGER microseconds since the Unix epoch: exact, sortable, cheap.
enum Microseconds {
  static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
  static func date(_ value: Int64) -> Date { Date(timeIntervalSince1970: Double(value) / 1_000_000) }
  static func from(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
  }
}
