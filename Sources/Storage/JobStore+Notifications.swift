import Core
import Foundation
import SQLite

/// The notification outbox: events written with the state change that causes them, fanned
/// out to subscriptions, delivered with retries, listed with every attempt.
extension JobStore {
  static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

  /// Records, on the writer connection (a TEMP table lives with its connection), which types
  /// the outbox takes.
  static func configureOutbox(_ db: Connection, _ types: Set<NotificationType>) throws {
    try db.execute("CREATE TEMP TABLE IF NOT EXISTS notification_wants (type TEXT PRIMARY KEY) WITHOUT ROWID")
    try db.run("DELETE FROM temp.notification_wants")
    for type in types { try db.run("INSERT INTO temp.notification_wants (type) VALUES (?)", [type.rawValue]) }
  }

  /// Appends a notification event when some subscription wants its type. Call inside the write
  /// transaction of the change.
  static func appendNotification(_ db: Connection, _ now: Int64, _ type: NotificationType, data: [String: String]) throws {
    guard try db.queryOne("SELECT 1 AS wanted FROM temp.notification_wants WHERE type = ?", [type.rawValue]) != nil else {
      return
    }
    let object: [String: Any] = [
      "type": type.rawValue, "timestamp": Microseconds.date(now).formatted(Self.timestampStyle), "data": data,
    ]
    let payload = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    try db.run(
      "INSERT INTO notification_events (type, payload, created_at) VALUES (?, ?, ?)", [type.rawValue, payload, now])
  }

  /// Turns pending events into one delivery per interested, enabled subscription (`wants`
  /// maps a subscription name to the types it wants), then deletes the events. Returns the
  /// number of deliveries created.
  public func fanOutNotifications(to wants: [String: Set<NotificationType>], batch: Int = 500) async throws -> Int {
    let now = Microseconds.from(time.now())
    return try await database.write { db in
      let disabled = Set(try db.query("SELECT name FROM notification_subscriptions_disabled").compactMap { $0.string("name") })
      let events = try db.query("SELECT seq, type, payload FROM notification_events ORDER BY seq LIMIT ?", [batch])
      var created = 0
      for event in events {
        guard let type = event.string("type").flatMap(NotificationType.init(rawValue:)) else { continue }
        for (name, types) in wants.sorted(by: { $0.key < $1.key }) where types.contains(type) && !disabled.contains(name) {
          try db.run(
            """
            INSERT INTO notification_deliveries (id, subscription, type, payload, state, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
            """,
            [
              "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), name, type.rawValue,
              event.string("payload") ?? "{}", now, now, now,
            ])
          created += 1
        }
        try db.run("DELETE FROM notification_events WHERE seq = ?", [event.int64("seq") ?? 0])
      }
      return created
    }
  }

  /// Up to `limit` pending deliveries whose time has come, oldest first.
  public func dueDeliveries(limit: Int) async throws -> [NotificationDelivery] {
    let now = Microseconds.from(time.now())
    return try await database.read { db in
      try db.query(
        "SELECT * FROM notification_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        [now, limit]
      ).map { try Self.decodeDelivery($0, attempts: []) }
    }
  }

  /// What became of one attempt.
  public enum DeliveryOutcome: Sendable {
    case delivered
    /// Try again at that time.
    case retry(at: Date)
    /// Out of attempts.
    case failed
    /// 410 Gone: the subscription is switched off; its pending deliveries stop too.
    case gone
  }

  /// Records an attempt and its outcome.
  public func recordDeliveryAttempt(
    _ id: String, subscription: String, status: Int?, error: String?, outcome: DeliveryOutcome
  ) async throws {
    let now = Microseconds.from(time.now())
    try await database.write { db in
      guard
        let attempt = try db.queryOne(
          "UPDATE notification_deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ? RETURNING attempts",
          [now, id])?.int("attempts")
      else { return }
      try db.run(
        "INSERT INTO notification_attempts (delivery_id, attempt, time, status, error) VALUES (?, ?, ?, ?, ?)",
        [id, attempt, now, status, error])
      switch outcome {
      case .delivered:
        try db.run("UPDATE notification_deliveries SET state = 'delivered' WHERE id = ?", [id])
      case .retry(let at):
        try db.run("UPDATE notification_deliveries SET next_attempt_at = ? WHERE id = ?", [Microseconds.from(at), id])
      case .failed:
        try db.run("UPDATE notification_deliveries SET state = 'failed' WHERE id = ?", [id])
      case .gone:
        try db.run(
          "INSERT OR REPLACE INTO notification_subscriptions_disabled (name, disabled_at, reason) VALUES (?, ?, ?)",
          [subscription, now, "the endpoint answered 410 Gone to delivery \(id)"])
        try db.run(
          "UPDATE notification_deliveries SET state = 'disabled', updated_at = ? WHERE subscription = ? AND state = 'pending'",
          [now, subscription])
      }
    }
  }

  /// The outcome of `redeliver`.
  public enum RedeliverOutcome: Sendable {
    case queued(NotificationDelivery)
    case notFound
  }

  /// Queues a delivery again now, whatever its state; a subscription switched off by 410 is
  /// switched back on (the operator says the endpoint is back).
  public func redeliver(_ id: String, requestedBy: String, sourceAddress: String) async throws -> RedeliverOutcome {
    let now = Microseconds.from(time.now())
    return try await database.write { db in
      guard
        let subscription = try db.queryOne(
          "UPDATE notification_deliveries SET state = 'pending', next_attempt_at = ?1, updated_at = ?1 WHERE id = ?2 RETURNING subscription",
          [now, id])?.string("subscription")
      else { return .notFound }
      try db.run("DELETE FROM notification_subscriptions_disabled WHERE name = ?", [subscription])
      try Self.appendAudit(
        db, now, AuditActor(name: requestedBy, sourceAddress: sourceAddress), .redeliveryRequested,
        target: "delivery/\(id)", details: ["subscription": subscription])
      return .queued(try Self.loadDelivery(db, id)!)
    }
  }

  /// Up to `limit` deliveries, newest first, optionally of one subscription or state.
  public func deliveries(subscription: String?, state: NotificationDelivery.State?, limit: Int, after cursor: JobCursor?)
    async throws -> (items: [NotificationDelivery], next: JobCursor?)
  {
    try await database.read { db in
      var conditions: [String] = []
      var arguments: [(any SQLBindable)?] = []
      if let subscription {
        conditions.append("subscription = ?")
        arguments.append(subscription)
      }
      if let state {
        conditions.append("state = ?")
        arguments.append(state.rawValue)
      }
      if let cursor {
        conditions.append("(created_at, id) < (?, ?)")
        arguments += [cursor.createdAt, cursor.id]
      }
      arguments.append(limit + 1)
      let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      let rows = try db.query(
        "SELECT id FROM notification_deliveries \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ?", arguments)
      let items = try rows.prefix(limit).compactMap { try $0.string("id").flatMap { try Self.loadDelivery(db, $0) } }
      let next =
        rows.count > limit ? items.last.map { JobCursor(createdAt: Microseconds.from($0.createdAt), id: $0.id) } : nil
      return (items, next)
    }
  }

  static func loadDelivery(_ db: Connection, _ id: String) throws -> NotificationDelivery? {
    guard let row = try db.queryOne("SELECT * FROM notification_deliveries WHERE id = ?", [id]) else { return nil }
    let attempts = try db.query(
      "SELECT attempt, time, status, error FROM notification_attempts WHERE delivery_id = ? ORDER BY attempt", [id]
    ).map { row in
      NotificationDelivery.Attempt(
        attempt: row.int("attempt") ?? 0, time: Microseconds.date(row.int64("time") ?? 0), status: row.int("status"),
        error: row.string("error"))
    }
    return try decodeDelivery(row, attempts: attempts)
  }

  static func decodeDelivery(_ row: Row, attempts: [NotificationDelivery.Attempt]) throws -> NotificationDelivery {
    guard let type = row.string("type").flatMap(NotificationType.init(rawValue:)),
      let state = row.string("state").flatMap(NotificationDelivery.State.init(rawValue:))
    else { throw StorageError.corruptRow("notification_deliveries") }
    return NotificationDelivery(
      id: row.string("id") ?? "", subscription: row.string("subscription") ?? "", type: type,
      payload: row.string("payload") ?? "{}", state: state,
      nextAttemptAt: state == .pending ? row.int64("next_attempt_at").map(Microseconds.date) : nil,
      createdAt: Microseconds.date(row.int64("created_at") ?? 0), updatedAt: Microseconds.date(row.int64("updated_at") ?? 0),
      attempts: attempts)
  }
}
