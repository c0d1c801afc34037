import Foundation

/// How long archives may stay on a node and how much room they may take: an archive holds a
/// process's memory, secrets included, and fills the kubelet's disk. Archives being published
/// are never chosen.
public struct RetentionPolicy: Sendable, Equatable {
  /// Archives older than this are deleted; nil keeps them regardless of age.
  public var maxAge: TimeInterval?
  /// The most bytes all archives on the node may take; beyond it the oldest go first. nil: no limit.
  public var maxBytes: Int64?

  public init(maxAge: TimeInterval? = nil, maxBytes: Int64? = nil) {
    self.maxAge = maxAge
    self.maxBytes = maxBytes
  }

  /// The archives to delete at `now`, oldest first: every one past `maxAge`, then, while the
  /// rest exceed `maxBytes`, the oldest remaining. Archives named in `busy` are kept and still
  /// count towards the total (they take the room all the same).
  public func expired(_ archives: [StoredArchive], now: Date, busy: Set<String>) -> [StoredArchive] {
    let oldestFirst = archives.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    var chosen: [StoredArchive] = []
    var kept: [StoredArchive] = []
    for archive in oldestFirst {
      if !busy.contains(archive.name), let maxAge, now.timeIntervalSince(archive.modified) > maxAge {
        chosen.append(archive)
      } else {
        kept.append(archive)
      }
    }
    guard let maxBytes else { return chosen }
    var total = kept.reduce(Int64(0)) { $0 + $1.sizeBytes }
    for archive in kept where total > maxBytes && !busy.contains(archive.name) {
      chosen.append(archive)
      total -= archive.sizeBytes
    }
    return chosen
  }
}
