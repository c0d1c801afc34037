import Foundation
import Synchronization

/// Prometheus counters and histograms kept in memory and rendered in the text format.
/// Label values must come from closed sets (stage names, routes, status codes), never job ids.
public final class MetricsRegistry: Sendable {
  private struct Histogram {
    var buckets: [Double]
    var counts: [Int]
    var sum = 0.0
    var count = 0
  }
  private struct State {
    var counters: [String: [String: Double]] = [:]  // name -> rendered labels -> value
    var histograms: [String: [String: Histogram]] = [:]
    var help: [String: (type: String, text: String)] = [:]
  }
  private let state = Mutex(State())

  /// Default latency buckets in seconds.
  public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
  /// Buckets for stage durations in seconds.
  public static let stageBuckets: [Double] = [0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600]

  public init() {}

  /// Declares a metric's HELP text and type (`counter` or `histogram`).
  public func describe(_ name: String, type: String, help: String) {
    state.withLock { $0.help[name] = (type, help) }
  }

  /// Adds `value` to a counter.
  public func increment(_ name: String, labels: [(String, String)] = [], by value: Double = 1) {
    let key = Self.render(labels)
    state.withLock { $0.counters[name, default: [:]][key, default: 0] += value }
  }

  /// Records one observation in a histogram.
  public func observe(_ name: String, labels: [(String, String)] = [], value: Double, buckets: [Double] = latencyBuckets) {
    let key = Self.render(labels)
    state.withLock { s in
      var h = s.histograms[name]?[key] ?? Histogram(buckets: buckets, counts: Array(repeating: 0, count: buckets.count))
      for (i, bound) in h.buckets.enumerated() where value <= bound { h.counts[i] += 1 }
      h.sum += value
      h.count += 1
      s.histograms[name, default: [:]][key] = h
    }
  }

  /// The counters and histograms in Prometheus text exposition format.
  public func render() -> String {
    state.withLock { s in
      var out = ""
      for name in s.counters.keys.sorted() {
        header(&out, name, s.help[name], defaultType: "counter")
        for (labels, value) in s.counters[name]!.sorted(by: { $0.key < $1.key }) {
          out += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(value))\n"
        }
      }
      for name in s.histograms.keys.sorted() {
        header(&out, name, s.help[name], defaultType: "histogram")
        for (labels, h) in s.histograms[name]!.sorted(by: { $0.key < $1.key }) {
          let prefix = labels.isEmpty ? "" : labels + ","
          for (i, bound) in h.buckets.enumerated() {
            out += "\(name)_bucket{\(prefix)le=\"\(Self.number(bound))\"} \(h.counts[i])\n"
          }
          out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(h.count)\n"
          out += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(h.sum))\n"
          out += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(h.count)\n"
        }
      }
      return out
    }
  }

  private func header(_ out: inout String, _ name: String, _ help: (type: String, text: String)?, defaultType: String) {
    if let help { out += "# HELP \(name) \(help.text)\n" }
    out += "# TYPE \(name) \(help?.type ?? defaultType)\n"
  }

  /// Renders a label set as `a="x",b="y"` with Prometheus escaping (only values that need it
  /// are rewritten: this runs for every request).
  public static func render(_ labels: [(String, String)]) -> String {
    var out = ""
    for (index, (name, value)) in labels.enumerated() {
      if index > 0 { out += "," }
      out += name
      out += "=\""
      if value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 0x0A }) {
        for character in value {
          switch character {
          case "\\": out += "\\\\"
          case "\"": out += "\\\""
          case "\n": out += "\\n"
          default: out.append(character)
          }
        }
      } else {
        out += value
      }
      out += "\""
    }
    return out
  }

  /// A number as Prometheus expects it (integers without a fraction).
  public static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}
