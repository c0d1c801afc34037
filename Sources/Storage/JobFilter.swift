import Core
import Foundation

/// Conditions for listing jobs; all set conditions must hold.
public struct JobFilter: Sendable, Equatable {
  public var states: [JobState] = []
  public var stages: [Stage] = []
  public var namespace: String?
  public var pod: String?
  /// Matches the source or the target node.
  public var node: String?
  public var requestedBy: String?
  public var trigger: Trigger?
  public var createdAfter: Date?
  public var createdBefore: Date?
  /// Every pair must be present in the job's labels.
  public var labels: [(key: String, value: String)] = []

  public init() {}

  public static func == (l: JobFilter, r: JobFilter) -> Bool {
    l.states == r.states && l.stages == r.stages && l.namespace == r.namespace && l.pod == r.pod
      && l.node == r.node && l.requestedBy == r.requestedBy && l.trigger == r.trigger
      && l.createdAfter == r.createdAfter && l.createdBefore == r.createdBefore
      && l.labels.elementsEqual(r.labels, by: { $0 == $1 })
  }
}

/// A position in the newest-first `(createdAt, id)` order; opaque to API callers.
public struct JobCursor: Sendable, Equatable {
  let createdAt: Int64
  let id: String

  /// The cursor's text form (base64url of `createdAt:id`).
  public var token: String {
    Data("\(createdAt):\(id)".utf8).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// Parses a token from `token`; nil when malformed or when its id fails `isValid` (by
  /// default: a migration id; deliveries pass their own rule).
  public init?(token: String, id isValid: (String) -> Bool = { MigrationID($0) != nil }) {
    var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    guard token.count <= 128, let data = Data(base64Encoded: base64) else { return nil }
    let parts = String(decoding: data, as: UTF8.self).split(separator: ":", maxSplits: 1)
    guard parts.count == 2, let createdAt = Int64(parts[0]), isValid(String(parts[1])) else { return nil }
    self.createdAt = createdAt
    self.id = String(parts[1])
  }

  init(createdAt: Int64, id: String) {
    self.createdAt = createdAt
    self.id = id
  }
}

/// One page of jobs.
public struct JobPage: Sendable {
  public var items: [MigrationJob]
  /// Where the next page starts; nil on the last page.
  public var next: JobCursor?
}

/// Queue figures for metrics and readiness.
public struct QueueStats: Sendable, Equatable {
  public var jobsByState: [JobState: Int]
  /// Age of the oldest job waiting to be leased, in seconds (0 when none).
  public var oldestQueuedAgeSeconds: Double
}
