import Core
import Foundation
import SQLite

extension JobStore {
  /// A list query's SQL and its bound values.
  struct ListQuery: Sendable {
    let sql: String
    let values: [SQLValue]
  }

  /// Up to `limit` jobs matching `filter`, newest first, starting after `cursor`.
  public func list(_ filter: JobFilter, limit: Int, after cursor: JobCursor?) async throws -> JobPage {
    let query = Self.listQuery(filter, limit: limit, after: cursor)
    return try await database.read { db in try Self.loadPage(db, query, limit: limit) }
  }

  static func listQuery(_ filter: JobFilter, limit: Int, after cursor: JobCursor?) -> ListQuery {
    precondition(limit > 0, "the API bounds limit before calling")
    var conditions: [String] = []
    var arguments: [SQLBindable?] = []
    func any<T>(_ column: String, _ values: [T], _ raw: (T) -> String) {
      guard !values.isEmpty else { return }
      conditions.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
      arguments += values.map { raw($0) }
    }
    any("state", filter.states, \.rawValue)
    any("stage", filter.stages, \.rawValue)
    if let v = filter.namespace { conditions.append("source_namespace = ?"); arguments.append(v) }
    if let v = filter.pod { conditions.append("source_pod = ?"); arguments.append(v) }
    if let v = filter.node { conditions.append("(target_node = ? OR source_node = ?)"); arguments += [v, v] }
    if let v = filter.requestedBy { conditions.append("requested_by = ?"); arguments.append(v) }
    if let v = filter.trigger { conditions.append("trigger = ?"); arguments.append(v.rawValue) }
    if let v = filter.createdAfter { conditions.append("created_at > ?"); arguments.append(Microseconds.from(v)) }
    if let v = filter.createdBefore { conditions.append("created_at < ?"); arguments.append(Microseconds.from(v)) }
    for label in filter.labels {
      conditions.append("EXISTS (SELECT 1 FROM json_each(migrations.labels) WHERE json_each.key = ? AND json_each.value = ?)")
      arguments += [label.key, label.value]
    }
    if let cursor {
      conditions.append("(created_at, id) < (?, ?)")
      arguments += [cursor.createdAt, cursor.id]
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    // Plain values cross threads; the protocol existentials are not Sendable.
    return ListQuery(
      sql: "SELECT * FROM migrations \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ?",
      values: (arguments + [limit + 1]).map { $0?.sqlValue ?? .null })
  }

  static func loadPage(_ db: Connection, _ query: ListQuery, limit: Int) throws -> JobPage {
    let rows = try db.query(query.sql, query.values.map { $0 })
    let page = rows.prefix(limit)
    let items = try page.map { row in
      try decodeJob(row, stages: loadStages(db, MigrationID(row.string("id") ?? "")!))
    }
    let next =
      rows.count > limit ? page.last.map { JobCursor(createdAt: $0.int64("created_at") ?? 0, id: $0.string("id") ?? "") } : nil
    return JobPage(items: items, next: next)
  }
}
