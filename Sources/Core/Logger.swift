import Foundation
import Synchronization

/// Writes JSON lines to stderr: a fixed message plus metadata (`migration.id`, `stage`,
/// `attempt`, …). Callers never put secrets in either.
public struct Logger: Sendable {
  /// Severity of a line.
  public enum Level: String, Sendable, Comparable {
    case debug, info, warning, error
    private var rank: Int { [.debug: 0, .info: 1, .warning: 2, .error: 3][self]! }
    public static func < (l: Level, r: Level) -> Bool { l.rank < r.rank }
  }

  private let minimum: Level
  private let sink: @Sendable (String) -> Void

  /// A logger that writes lines at `minimum` and above to stderr.
  public init(minimum: Level = .info) {
    self.init(minimum: minimum) { line in Logger.stderrLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) } }
  }

  /// A logger that hands each line to `sink` (tests collect lines this way).
  public init(minimum: Level = .info, sink: @escaping @Sendable (String) -> Void) {
    self.minimum = minimum
    self.sink = sink
  }

  private static let stderrLock = Mutex(())
  private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

  public func debug(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.debug, message, metadata) }
  public func info(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.info, message, metadata) }
  public func warning(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.warning, message, metadata) }
  public func error(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.error, message, metadata) }

  private func log(_ level: Level, _ message: StaticString, _ metadata: [String: String]) {
    guard level >= minimum else { return }
    var fields: [String: String] = metadata
    fields["level"] = level.rawValue
    fields["msg"] = "\(message)"
    fields["time"] = Date().formatted(Self.timestampStyle)
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else {
      return
    }
    sink(String(decoding: data, as: UTF8.self) + "\n")
  }
}
