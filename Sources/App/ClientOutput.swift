import Foundation

/// Text rendering for the client subcommands: aligned tables, times and ages, JSON pass-through.
///
/// Output is plain lines, the same on a terminal and in a pipe, so it can be read by people and
/// by `grep`/`awk` alike.
enum ClientOutput {
  /// Columns padded to their widest cell, two spaces apart; the last column is not padded.
  static func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for row in all {
      for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
    }
    return all.map { row in
      row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// `text` padded with spaces to at least `width` characters.
  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text.padding(toLength: width, withPad: " ", startingAt: 0)
  }

  /// Parses the API's RFC 3339 timestamps (with or without fractional seconds).
  static func date(_ value: Any?) -> Date? {
    guard let text = value as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
  }

  /// `HH:mm:ss` in the local time zone.
  static func clock(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "HH:mm:ss"
    return formatter.string(from: date)
  }

  /// `yyyy-MM-dd HH:mm:ss` in the local time zone, or `-`.
  static func time(_ value: Any?) -> String {
    guard let date = date(value) else { return "-" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }

  /// A short age like `42s`, `5m`, `3h` or `2d`, as kubectl prints it.
  static func age(since value: Any?, now: Date = Date()) -> String {
    guard let date = date(value) else { return "-" }
    let seconds = max(0, Int(now.timeIntervalSince(date)))
    switch seconds {
    case ..<120: return "\(seconds)s"
    case ..<7200: return "\(seconds / 60)m"
    case ..<172_800: return "\(seconds / 3600)h"
    default: return "\(seconds / 86400)d"
    }
  }

  /// A byte count in binary units (`512 B`, `1.5 KiB`, `3.2 MiB`).
  static func bytes(_ count: Int64) -> String {
    guard count >= 1024 else { return "\(count) B" }
    var value = Double(count)
    for unit in ["KiB", "MiB", "GiB", "TiB"] {
      value /= 1024
      if value < 1024 || unit == "TiB" { return "\(String(format: "%.1f", value)) \(unit)" }
    }
    return "\(count) B"
  }

  /// JSON bytes as the server sent them, pretty-printed when they parse.
  static func json(_ body: [UInt8]) -> String {
    guard let object = try? JSONSerialization.jsonObject(with: Data(body)),
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else { return String(decoding: body, as: UTF8.self) }
    return String(decoding: data, as: UTF8.self)
  }

  /// `namespace/pod` of a job's `source`.
  static func pod(of job: [String: Any]) -> String {
    let source = job["source"] as? [String: Any] ?? [:]
    return "\(source["namespace"] as? String ?? "?")/\(source["pod"] as? String ?? "?")"
  }
}
