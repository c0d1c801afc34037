import Foundation

/// Where wall-clock timestamps come from, so tests can fix and advance time.
public protocol TimeSource: Sendable {
  /// The current wall-clock time.
  func now() -> Date
}

/// The real wall clock.
public struct SystemTimeSource: TimeSource {
  public init() {}
  public func now() -> Date { Date() }
}
