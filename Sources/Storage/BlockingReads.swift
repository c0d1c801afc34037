import Core
import SQLite

/// The store's reads, run on the calling thread. For libmicrohttpd's threads, which may block
/// and answer GETs without a hop to another thread; the async methods of `JobStore` run the
/// same reads on the database's reader queues.
public struct BlockingReads: Sendable {
  let database: Database

  /// The job with `id`, or nil.
  public func job(_ id: MigrationID) throws -> MigrationJob? {
    try database.readHere { db in try JobStore.loadJob(db, id) }
  }

  /// The job's history in order, or nil when there is no such job.
  public func events(_ id: MigrationID) throws -> [MigrationEvent]? {
    try database.readHere { db in try JobStore.loadEvents(db, id) }
  }

  /// Up to `limit` jobs matching `filter`, newest first, starting after `cursor`.
  public func list(_ filter: JobFilter, limit: Int, after cursor: JobCursor?) throws -> JobPage {
    let query = JobStore.listQuery(filter, limit: limit, after: cursor)
    return try database.readHere { db in try JobStore.loadPage(db, query, limit: limit) }
  }
}

extension JobStore {
  /// Reads that run on the calling thread.
  public var blocking: BlockingReads { BlockingReads(database: database) }
}

extension BlockingReads {
  /// Up to `limit` audit records matching `filter`, newest first, starting after `cursor`.
  public func audit(_ filter: AuditFilter, limit: Int, after cursor: AuditCursor?) throws -> AuditPage {
    try database.readHere { db in try JobStore.loadAuditPage(db, filter, limit: limit, after: cursor) }
  }
}
