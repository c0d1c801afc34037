import Core
import Foundation
import HTTPServer

/// The bulk formats of the list routes, chosen by `Accept`: one JSON object per line
/// (`application/x-ndjson`) or RFC 4180 CSV with a header row (`text/csv`).
enum ExportFormat {
  case ndjson, csv

  /// The format the request's `Accept` asks for; nil for the JSON page.
  init?(_ request: HTTPRequest) {
    let accept = (request.headers["Accept"] ?? "").lowercased()
    if accept.contains("application/x-ndjson") || accept.contains("application/ndjson") {
      self = .ndjson
    } else if accept.contains("text/csv") {
      self = .csv
    } else {
      return nil
    }
  }

  var contentType: String { self == .ndjson ? "application/x-ndjson" : "text/csv; charset=utf-8" }

  /// One CSV line of `fields`, each quoted when it holds a comma, a quote or a line break.
  static func csvLine(_ fields: [String]) -> [UInt8] {
    let quoted = fields.map { field -> String in
      guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
      return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return Array((quoted.joined(separator: ",") + "\r\n").utf8)
  }

  static let jobColumns = [
    "id", "state", "stage", "namespace", "pod", "container", "sourceNode", "targetNode", "sourcePolicy", "requestedBy",
    "trigger", "createdAt", "startedAt", "finishedAt", "errorStage", "errorMessage", "imageDigest", "restoredPod",
  ]

  static func jobRow(_ job: MigrationJob) -> [String] {
    [
      job.id.rawValue, job.state.rawValue, job.stage.rawValue, job.source.namespace, job.source.pod, job.source.container ?? "",
      job.sourceNode ?? "", job.targetNode, job.sourcePolicy.rawValue, job.requestedBy, job.trigger.rawValue,
      time(job.createdAt), time(job.startedAt), time(job.finishedAt),
      job.error?.stage.rawValue ?? "", job.error?.message ?? "", job.image?.digest ?? "",
      job.restoredPod.map { "\($0.namespace)/\($0.name)" } ?? "",
    ]
  }

  static let auditColumns = ["seq", "time", "actor", "sourceAddress", "action", "target", "details", "hash"]

  static func auditRow(_ record: AuditRecord) -> [String] {
    [
      String(record.seq), time(record.time), record.actor, record.sourceAddress, record.action.rawValue,
      record.target, json(record.details), record.hash,
    ]
  }

  static let eventColumns = ["seq", "time", "type", "stage", "attempt", "message", "data"]

  static func eventRow(_ event: MigrationEvent) -> [String] {
    [
      String(event.seq), time(event.time), event.type.rawValue, event.stage?.rawValue ?? "",
      event.attempt.map(String.init) ?? "", event.message, json(event.data),
    ]
  }

  private static func time(_ date: Date?) -> String {
    guard let date else { return "" }
    return Timestamp.string(date)
  }

  private static func json(_ map: [String: String]) -> String {
    var writer = JSONWriter()
    writer.object { w in
      for (key, value) in map.sorted(by: { $0.key < $1.key }) { w.member(key, value) }
    }
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
