import Core
import SQLite

/// Walks the audit trail of a database file from the first record and checks every hash
/// (`AuditChain`). Opens the file read-only, so it can run next to a serving podhop.
public enum AuditVerifier {
  /// What a walk found.
  public struct Result: Sendable, Equatable {
    /// Records checked, up to and including the first broken one.
    public var checked: Int64
    /// The hash of the last intact record: keep it elsewhere to detect a later truncation,
    /// which a chain alone cannot.
    public var head: String
    /// The first record whose hash does not follow from its contents and its predecessor's
    /// hash: it was edited, or a record before it was removed or edited.
    public var firstBroken: BrokenRecord?
  }

  /// A record that breaks the chain, as stored.
  public struct BrokenRecord: Sendable, Equatable {
    public var seq: Int64
    public var actor: String
    public var action: String
    public var target: String
  }

  /// Checks the chain in pages of `pageSize` records, so memory stays bounded.
  public static func verify(databasePath: String, pageSize: Int = 1000) throws -> Result {
    let db = try Connection(path: databasePath, readOnly: true)
    defer { db.close() }
    var previous = AuditChain.genesis
    var checked: Int64 = 0
    var after: Int64 = 0
    while true {
      let rows = try db.query("SELECT * FROM audit_records WHERE seq > ? ORDER BY seq LIMIT ?", [after, pageSize])
      for row in rows {
        checked += 1
        let seq = row.int64("seq") ?? 0
        let expected = AuditChain.hash(
          previous: previous, seq: seq, time: row.int64("time") ?? 0, actor: row.string("actor") ?? "",
          sourceAddress: row.string("source_address") ?? "", action: row.string("action") ?? "",
          target: row.string("target") ?? "", details: row.string("details") ?? "")
        guard let stored = row.string("hash"), expected == stored else {
          let broken = BrokenRecord(
            seq: seq, actor: row.string("actor") ?? "", action: row.string("action") ?? "", target: row.string("target") ?? "")
          return Result(checked: checked, head: previous, firstBroken: broken)
        }
        previous = stored
        after = seq
      }
      if rows.count < pageSize { return Result(checked: checked, head: previous, firstBroken: nil) }
    }
  }
}
