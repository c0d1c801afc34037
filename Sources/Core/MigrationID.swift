import Foundation

/// The identity of one migration job: a lowercase UUID, which is also a valid DNS-1123 label
/// fragment so Kubernetes object names can be derived from it.
public struct MigrationID: Hashable, Sendable, CustomStringConvertible {
  /// The canonical lowercase text form.
  public let rawValue: String

  /// A new random identifier.
  public init() { rawValue = UUID().uuidString.lowercased() }

  /// Parses a canonical identifier; nil for anything else (so ids from URLs are never trusted raw).
  public init?(_ text: String) {
    guard text.count == 36, let uuid = UUID(uuidString: text), uuid.uuidString.lowercased() == text
    else { return nil }
    rawValue = text
  }

  public var description: String { rawValue }
}
