import Foundation

/// Writes JSON straight into a byte buffer. The API's responses are written with it instead of
/// `JSONEncoder`, whose generic Codable machinery was two thirds of a GET's CPU time (measured
/// with perf under wrk; see bench/README.md). Keys are written in the order given; callers list
/// them sorted so output matches the documented shape.
struct JSONWriter {
  private(set) var bytes: [UInt8] = []
  /// Whether the next value in each open container is its first (no comma needed).
  private var first: [Bool] = []

  init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

  mutating func object(_ body: (inout JSONWriter) -> Void) {
    separate()
    bytes.append(UInt8(ascii: "{"))
    first.append(true)
    body(&self)
    first.removeLast()
    bytes.append(UInt8(ascii: "}"))
  }

  mutating func array(_ body: (inout JSONWriter) -> Void) {
    separate()
    bytes.append(UInt8(ascii: "["))
    first.append(true)
    body(&self)
    first.removeLast()
    bytes.append(UInt8(ascii: "]"))
  }

  /// Starts a member of the current object; the next call writes its value.
  mutating func key(_ name: String) {
    separate()
    appendQuoted(name)
    bytes.append(UInt8(ascii: ":"))
    first[first.count - 1] = true  // the value follows without a comma
  }

  mutating func string(_ value: String) {
    separate()
    appendQuoted(value)
  }

  mutating func number(_ value: Int) {
    separate()
    bytes.append(contentsOf: String(value).utf8)
  }

  mutating func number(_ value: Int64) {
    separate()
    bytes.append(contentsOf: String(value).utf8)
  }

  /// A finite double; JSON has no NaN or infinity, so those are written as null.
  mutating func number(_ value: Double) {
    separate()
    bytes.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
  }

  mutating func bool(_ value: Bool) {
    separate()
    bytes.append(contentsOf: (value ? "true" : "false").utf8)
  }

  mutating func null() {
    separate()
    bytes.append(contentsOf: "null".utf8)
  }

  /// An RFC 3339 UTC timestamp with microseconds.
  mutating func timestamp(_ date: Date) {
    separate()
    bytes.append(UInt8(ascii: "\""))
    Timestamp.append(date, to: &bytes)
    bytes.append(UInt8(ascii: "\""))
  }

  /// Key and value in one call, for the common case.
  mutating func member(_ name: String, _ value: String) {
    key(name)
    string(value)
  }

  mutating func member(_ name: String, _ value: String?) {
    guard let value else { return }
    key(name)
    string(value)
  }

  mutating func member(_ name: String, _ date: Date?) {
    guard let date else { return }
    key(name)
    timestamp(date)
  }

  mutating func member(_ name: String, _ map: [String: String]) {
    key(name)
    object { writer in
      for (key, value) in map.sorted(by: { $0.key < $1.key }) { writer.member(key, value) }
    }
  }

  private mutating func separate() {
    guard let isFirst = first.last else { return }
    if isFirst { first[first.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
  }

  /// A JSON string literal per RFC 8259: quote, backslash and control characters escaped.
  private mutating func appendQuoted(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
      case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

/// RFC 3339 UTC timestamps with microseconds, formatted and parsed without Foundation's
/// calendar machinery (which costs microseconds per date on the hot path).
enum Timestamp {
  static func append(_ date: Date, to bytes: inout [UInt8]) {
    let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    var seconds = time_t(micros.quotientAndRemainder(dividingBy: 1_000_000).quotient)
    var fraction = micros % 1_000_000
    if fraction < 0 {
      fraction += 1_000_000
      seconds -= 1
    }
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func digits(_ value: Int, _ count: Int) {
      let text = Array(String(value).utf8)
      bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, count - text.count)))
      bytes.append(contentsOf: text)
    }
    digits(Int(parts.tm_year) + 1900, 4)
    bytes.append(UInt8(ascii: "-"))
    digits(Int(parts.tm_mon) + 1, 2)
    bytes.append(UInt8(ascii: "-"))
    digits(Int(parts.tm_mday), 2)
    bytes.append(UInt8(ascii: "T"))
    digits(Int(parts.tm_hour), 2)
    bytes.append(UInt8(ascii: ":"))
    digits(Int(parts.tm_min), 2)
    bytes.append(UInt8(ascii: ":"))
    digits(Int(parts.tm_sec), 2)
    bytes.append(UInt8(ascii: "."))
    digits(Int(fraction), 6)
    bytes.append(UInt8(ascii: "Z"))
  }

  static func string(_ date: Date) -> String {
    var bytes: [UInt8] = []
    append(date, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }
}
