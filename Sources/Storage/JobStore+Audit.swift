import Core
import Foundation
import SQLite

/// The audit trail: appended in the same transaction as the change it records, listed newest
/// first with filters.
extension JobStore {
  /// Appends one audit record, chained to the last one. Call inside a write transaction.
  static func appendAudit(
    _ db: Connection, _ now: Int64, _ actor: AuditActor, _ action: AuditAction, target: String,
    details: [String: String] = [:]
  ) throws {
    let last = try db.queryOne("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1")
    let seq = (last?.int64("seq") ?? 0) + 1
    let detailsText = try encodeStringMap(details)
    let hash = AuditChain.hash(
      previous: last?.string("hash") ?? AuditChain.genesis, seq: seq, time: now, actor: actor.name,
      sourceAddress: actor.sourceAddress, action: action.rawValue, target: target, details: detailsText)
    try db.run(
      """
      INSERT INTO audit_records (seq, time, actor, source_address, action, target, details, hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """, [seq, now, actor.name, actor.sourceAddress, action.rawValue, target, detailsText, hash])
  }

  /// Records a change that touches no job (a refused webhook delivery).
  public func recordAudit(_ actor: AuditActor, _ action: AuditAction, target: String, details: [String: String]) async throws {
    let now = Microseconds.from(time.now())
    try await database.write { db in try Self.appendAudit(db, now, actor, action, target: target, details: details) }
  }

  /// Up to `limit` audit records matching `filter`, newest first, starting after `cursor`.
  public func audit(_ filter: AuditFilter, limit: Int, after cursor: AuditCursor?) async throws -> AuditPage {
    try await database.read { db in try Self.loadAuditPage(db, filter, limit: limit, after: cursor) }
  }

  static func loadAuditPage(_ db: Connection, _ filter: AuditFilter, limit: Int, after cursor: AuditCursor?) throws
    -> AuditPage
  {
    var conditions: [String] = []
    var arguments: [(any SQLBindable)?] = []
    func add(_ condition: String, _ value: (any SQLBindable)?) {
      conditions.append(condition)
      arguments.append(value)
    }
    if let actor = filter.actor { add("actor = ?", actor) }
    if let action = filter.action { add("action = ?", action.rawValue) }
    if let target = filter.target { add("target = ?", target) }
    if let since = filter.since { add("time >= ?", Microseconds.from(since)) }
    if let until = filter.until { add("time < ?", Microseconds.from(until)) }
    if let cursor { add("seq < ?", cursor.seq) }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    arguments.append(limit + 1)
    let rows = try db.query(
      "SELECT * FROM audit_records \(whereClause) ORDER BY seq DESC LIMIT ?", arguments)
    let items = try rows.prefix(limit).map(decodeAudit)
    let next = rows.count > limit ? items.last.map { AuditCursor(seq: $0.seq) } : nil
    return AuditPage(items: items, next: next)
  }

  static func decodeAudit(_ row: Row) throws -> AuditRecord {
    guard let seq = row.int64("seq"), let action = row.string("action").flatMap(AuditAction.init(rawValue:)) else {
      throw StorageError.corruptRow("audit_records")
    }
    return AuditRecord(
      seq: seq, time: Microseconds.date(row.int64("time") ?? 0), actor: row.string("actor") ?? "",
      sourceAddress: row.string("source_address") ?? "", action: action, target: row.string("target") ?? "",
      details: try decodeStringMap(row.string("details")), hash: row.string("hash") ?? "")
  }
}

/// Conditions for listing audit records; all set conditions must hold.
public struct AuditFilter: Sendable, Equatable {
  public var actor: String?
  public var action: AuditAction?
  /// Exact target, e.g. `migration/<id>`.
  public var target: String?
  /// Records at or after this time.
  public var since: Date?
  /// Records before this time.
  public var until: Date?
  public init() {}
}

/// A position in the newest-first audit order; opaque to API callers.
public struct AuditCursor: Sendable, Equatable {
  let seq: Int64

  init(seq: Int64) { self.seq = seq }

  /// The cursor's text form.
  public var token: String { "a" + String(seq) }

  /// Parses a token; nil when malformed.
  public init?(token: String) {
    guard token.first == "a", token.count <= 20, let seq = Int64(token.dropFirst()), seq > 0 else { return nil }
    self.seq = seq
  }
}

/// One page of audit records and the cursor of the next, if any.
public struct AuditPage: Sendable {
  public var items: [AuditRecord]
  public var next: AuditCursor?
}
