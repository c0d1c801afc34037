import Core
import Foundation

/// The JSON representations the API serves (see openapi.yaml `Migration`, `Event`). Optional
/// members are omitted when absent; a drift test compares these with the schema.
extension JSONWriter {
  mutating func write(_ job: MigrationJob) {
    object { w in
      w.key("allowVolumes")
      w.bool(job.allowVolumes)
      w.key("attempt")
      w.number(job.attempt)
      if let checkpoint = job.checkpoint {
        w.key("checkpoint")
        w.object { c in
          c.member("archive", checkpoint.archive)
          if let size = checkpoint.sizeBytes {
            c.key("sizeBytes")
            c.number(size)
          }
        }
      }
      w.member("createdAt", job.createdAt)
      w.member("deliveryId", job.deliveryID)
      if let error = job.error {
        w.key("error")
        w.object { e in
          e.member("message", error.message)
          e.key("retryable")
          e.bool(error.retryable)
          e.member("stage", error.stage.rawValue)
        }
      }
      w.member("evacuationId", job.evacuationID?.rawValue)
      w.member("finishedAt", job.finishedAt)
      w.member("id", job.id.rawValue)
      if let image = job.image {
        w.key("image")
        w.object { i in
          i.member("digest", image.digest)
          i.member("reference", image.reference)
          i.member("repository", image.repository)
        }
      }
      w.member("labels", job.labels)
      if let report = job.preflight {
        w.key("preflight")
        w.write(report)
      }
      if let progress = job.progress {
        w.key("progress")
        w.object { p in
          p.key("bytesDone")
          p.number(progress.bytesDone)
          if let total = progress.bytesTotal {
            p.key("bytesTotal")
            p.number(total)
          }
          p.member("stage", progress.stage.rawValue)
          p.member("updatedAt", progress.updatedAt)
        }
      }
      w.member("requestedBy", job.requestedBy)
      if let pod = job.restoredPod {
        w.key("restoredPod")
        w.object { p in
          p.member("name", pod.name)
          p.member("namespace", pod.namespace)
          p.member("node", pod.node)
          p.member("uid", pod.uid)
        }
      }
      w.key("source")
      w.object { s in
        s.member("container", job.source.container)
        s.member("namespace", job.source.namespace)
        s.member("pod", job.source.pod)
      }
      w.member("sourceNode", job.sourceNode)
      w.member("sourcePolicy", job.sourcePolicy.rawValue)
      w.member("stage", job.stage.rawValue)
      w.key("stages")
      w.array { a in
        for record in job.stages { a.write(record) }
      }
      w.member("startedAt", job.startedAt)
      w.member("state", job.state.rawValue)
      w.member("targetNode", job.targetNode)
      w.member("targetReason", job.targetReason)
      w.member("trigger", job.trigger.rawValue)
      w.member("updatedAt", job.updatedAt)
    }
  }

  /// An evacuation (openapi.yaml `Evacuation`): state and counts derive from its jobs.
  mutating func write(_ evacuation: Evacuation) {
    object { w in
      w.member("createdAt", evacuation.createdAt)
      w.member("deliveryId", evacuation.deliveryID)
      w.member("finishedAt", evacuation.finishedAt)
      w.member("id", evacuation.id.rawValue)
      w.key("jobs")
      w.array { a in
        for job in evacuation.jobs {
          a.object { j in
            j.member("id", job.id.rawValue)
            j.member("pod", job.pod)
            j.member("state", job.state.rawValue)
            j.member("targetNode", job.targetNode)
            if !job.targetReason.isEmpty { j.member("targetReason", job.targetReason) }
          }
        }
      }
      w.member("node", evacuation.node)
      w.member("requestedBy", evacuation.requestedBy)
      w.key("skipped")
      w.array { a in
        for skip in evacuation.skipped {
          a.object { s in
            s.member("pod", skip.pod)
            s.member("reason", skip.reason)
          }
        }
      }
      w.member("state", evacuation.finishedAt == nil ? "running" : "completed")
      w.key("summary")
      w.object { s in
        for state in JobState.allCases {
          s.key(state.rawValue)
          s.number(evacuation.jobs.filter { $0.state == state }.count)
        }
        s.key("skipped")
        s.number(evacuation.skipped.count)
      }
      w.member("targetNode", evacuation.targetNode)
      w.member("trigger", evacuation.trigger.rawValue)
    }
  }

  /// An outbound notification with its attempts (openapi.yaml `Delivery`).
  mutating func write(_ delivery: NotificationDelivery) {
    object { w in
      w.key("attempts")
      w.array { a in
        for attempt in delivery.attempts {
          a.object { t in
            t.key("attempt")
            t.number(attempt.attempt)
            t.member("error", attempt.error)
            if let status = attempt.status {
              t.key("status")
              t.number(status)
            }
            t.member("time", attempt.time)
          }
        }
      }
      w.member("createdAt", delivery.createdAt)
      w.member("id", delivery.id)
      w.member("nextAttemptAt", delivery.nextAttemptAt)
      w.member("payload", delivery.payload)
      w.member("state", delivery.state.rawValue)
      w.member("subscription", delivery.subscription)
      w.member("type", delivery.type.rawValue)
      w.member("updatedAt", delivery.updatedAt)
    }
  }

  /// An audit record (openapi.yaml `AuditRecord`).
  mutating func write(_ record: AuditRecord) {
    object { w in
      w.member("action", record.action.rawValue)
      w.member("actor", record.actor)
      w.member("details", record.details)
      w.member("hash", record.hash)
      w.key("seq")
      w.number(record.seq)
      w.member("sourceAddress", record.sourceAddress)
      w.member("target", record.target)
      w.member("time", record.time)
    }
  }

  /// A pre-flight report as an array of checks.
  mutating func write(_ report: PreflightReport) {
    array { a in
      for check in report.checks {
        a.object { c in
          c.member("message", check.message)
          c.member("name", check.name)
          c.member("result", check.result.rawValue)
        }
      }
    }
  }

  /// The answer of `POST /v1/preflight`.
  static func preflight(_ result: PreflightResult) -> [UInt8] {
    var writer = JSONWriter()
    writer.object { w in
      w.key("checks")
      w.write(result.report)
      w.member("container", result.container)
      w.key("passed")
      w.bool(result.report.passed)
      w.member("sourceNode", result.sourceNode)
    }
    return writer.bytes
  }

  mutating func write(_ record: StageRecord) {
    object { r in
      r.key("attempts")
      r.number(record.attempts)
      if let duration = record.durationSeconds {
        r.key("durationSeconds")
        r.number(duration)
      }
      r.member("finishedAt", record.finishedAt)
      r.member("name", record.name.rawValue)
      r.member("startedAt", record.startedAt)
      r.member("state", record.state.rawValue)
    }
  }

  mutating func write(_ event: MigrationEvent) {
    object { e in
      if let attempt = event.attempt {
        e.key("attempt")
        e.number(attempt)
      }
      e.member("data", event.data)
      e.member("message", event.message)
      e.key("seq")
      e.number(event.seq)
      e.member("stage", event.stage?.rawValue)
      e.member("time", event.time)
      e.member("type", event.type.rawValue)
    }
  }

  /// One job as a response body.
  static func job(_ job: MigrationJob) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(job)
    return writer.bytes
  }

  /// `{"items": [...], "nextCursor": ...}` for a page of jobs.
  static func page(_ jobs: [MigrationJob], nextCursor: String?) -> [UInt8] {
    listPage(jobs, nextCursor: nextCursor, bytesPerItem: 1024) { $0.write($1) }
  }

  /// `{"items": [...], "nextCursor": ...}` with each item written by `write`.
  static func listPage<Item>(
    _ items: [Item], nextCursor: String?, bytesPerItem: Int, _ write: (inout JSONWriter, Item) -> Void
  ) -> [UInt8] {
    var writer = JSONWriter(capacity: bytesPerItem * max(items.count, 1))
    writer.object { w in
      w.key("items")
      w.array { a in
        for item in items { write(&a, item) }
      }
      w.key("nextCursor")
      if let nextCursor { w.string(nextCursor) } else { w.null() }
    }
    return writer.bytes
  }

  /// `{"items": [...]}` for a job's history.
  static func events(_ events: [MigrationEvent]) -> [UInt8] {
    var writer = JSONWriter(capacity: 256 * max(events.count, 1))
    writer.object { w in
      w.key("items")
      w.array { a in
        for event in events { a.write(event) }
      }
    }
    return writer.bytes
  }

  /// `{"items": [...], "nextCursor": ...}` for a page of audit records.
  static func auditPage(_ records: [AuditRecord], nextCursor: String?) -> [UInt8] {
    listPage(records, nextCursor: nextCursor, bytesPerItem: 384) { $0.write($1) }
  }

  /// One evacuation as a response body.
  static func evacuation(_ evacuation: Evacuation) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(evacuation)
    return writer.bytes
  }

  /// `{"items": [...], "nextCursor": ...}` for a page of evacuations.
  static func evacuationPage(_ evacuations: [Evacuation], nextCursor: String?) -> [UInt8] {
    listPage(evacuations, nextCursor: nextCursor, bytesPerItem: 1024) { $0.write($1) }
  }

  /// One delivery as a response body.
  static func delivery(_ delivery: NotificationDelivery) -> [UInt8] {
    var writer = JSONWriter()
    writer.write(delivery)
    return writer.bytes
  }

  /// `{"items": [...], "nextCursor": ...}` for a page of deliveries.
  static func deliveryPage(_ deliveries: [NotificationDelivery], nextCursor: String?) -> [UInt8] {
    listPage(deliveries, nextCursor: nextCursor, bytesPerItem: 512) { $0.write($1) }
  }

  /// One audit record as a line of an export.
  static func auditRecord(_ record: AuditRecord) -> [UInt8] {
    var writer = JSONWriter(capacity: 384)
    writer.write(record)
    return writer.bytes
  }

  /// One event as a line of an export.
  static func event(_ event: MigrationEvent) -> [UInt8] {
    var writer = JSONWriter(capacity: 256)
    writer.write(event)
    return writer.bytes
  }
}
