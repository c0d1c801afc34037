import Core
import Foundation
import Synchronization

/// A wall clock that tests set and advance by hand.
public final class ManualTimeSource: TimeSource {
  private let current: Mutex<Date>

  public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

  public func now() -> Date { current.withLock { $0 } }

  /// Moves the clock forward.
  public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
