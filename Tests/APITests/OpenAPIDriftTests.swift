import App
import Core
import Foundation
import TestSupport
import Testing
import YAML

@testable import API

/// Fails when openapi.yaml and the implemented routes, fields or enums drift apart.
@Suite("openapi.yaml matches the code")
struct OpenAPIDriftTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  let document: YAMLNode

  init() throws {
    document = try YAMLDocument.parse(String(contentsOf: Self.packageRoot.appending(path: "openapi.yaml"), encoding: .utf8))
  }

  func schema(_ name: String) throws -> YAMLNode { try #require(document["components"]?["schemas"]?[name]) }

  func propertyNames(_ schema: YAMLNode) -> Set<String> { Set(schema["properties"]?.entries?.compactMap(\.key.string) ?? []) }

  func enumValues(_ name: String) throws -> [String] { try schema(name)["enum"]?.array?.compactMap(\.string) ?? [] }

  @Test("every route is documented with its method, and nothing undocumented is served")
  func routes() throws {
    var documented: Set<String> = []
    for (path, item) in try #require(document["paths"]?.entries) {
      for (method, _) in item.entries ?? [] where method.string != "parameters" {
        documented.insert("\(method.string!.uppercased()) \(path.string!)")
      }
    }
    #expect(documented == Set(Route.table.map { "\($0.method) \($0.pattern)" }))
  }

  @Test("the Migration schema lists exactly the fields a fully populated job has, and requires the ones always present")
  func migrationFields() throws {
    var job = MigrationJob(
      id: MigrationID(), state: .failed, stage: .push, source: PodReference(namespace: "n", pod: "p", container: "c"),
      targetNode: "t", sourceNode: "s", sourcePolicy: .keep, allowVolumes: true,
      preflight: PreflightReport(checks: [.init(name: "n", result: .pass, message: "m")]),
      image: ImageReference(repository: "r", reference: "x", digest: "sha256:0"),
      checkpoint: CheckpointArchive(archive: "/a.tar", sizeBytes: 1),
      restoredPod: RestoredPod(namespace: "n", name: "p2", node: "t", uid: "u"),
      attempt: 1, error: JobError(stage: .push, message: "m", retryable: true), labels: ["a": "b"], requestedBy: "r",
      trigger: .api,
      createdAt: Date(), updatedAt: Date(), startedAt: Date(), finishedAt: Date(),
      stages: [StageRecord(name: .push, state: .failed, attempts: 1, startedAt: Date(), finishedAt: Date(), durationSeconds: 1)],
      deliveryID: "msg_1", progress: JobProgress(stage: .push, bytesDone: 1, bytesTotal: 2, updatedAt: Date()))
    job.evacuationID = MigrationID()
    job.targetReason = "chosen"
    let full = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.job(job))) as? [String: Any])
    let migration = try schema("Migration")
    #expect(propertyNames(migration) == Set(full.keys))
    for nested in ["source", "image", "checkpoint", "restoredPod", "error", "progress"] {
      #expect(
        propertyNames(try #require(migration["properties"]?[nested])) == Set((full[nested] as? [String: Any])?.keys ?? [:].keys),
        "\(nested)")
    }
    let stage = (full["stages"] as? [[String: Any]])?.first ?? [:]
    #expect(propertyNames(try schema("StageRecord")) == Set(stage.keys))
    job.image = nil; job.checkpoint = nil; job.restoredPod = nil; job.error = nil; job.startedAt = nil; job.finishedAt = nil
    job.sourceNode = nil; job.preflight = nil; job.deliveryID = nil; job.evacuationID = nil; job.targetReason = nil
    job.progress = nil
    let check = try #require((full["preflight"] as? [[String: Any]])?.first)
    #expect(propertyNames(try schema("PreflightCheck")) == Set(check.keys))
    #expect(
      try schema("PreflightCheck")["properties"]?["result"]?["enum"]?.array?.compactMap(\.string)
        == PreflightReport.Result.allCases.map(\.rawValue))
    let minimal = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.job(job))) as? [String: Any])
    let required = Set(migration["required"]?.array?.compactMap(\.string) ?? [])
    #expect(required == Set(minimal.keys))
  }

  @Test("the AuditRecord schema lists the fields of a record, all required, and every action")
  func auditFields() throws {
    let record = AuditRecord(
      seq: 1, time: Date(), actor: "a", sourceAddress: "", action: .hookRefused, target: "hook/x", details: [:], hash: "h")
    let page = try #require(
      try JSONSerialization.jsonObject(with: Data(JSONWriter.auditPage([record], nextCursor: nil))) as? [String: Any])
    let object = try #require((page["items"] as? [[String: Any]])?.first)
    #expect(propertyNames(try schema("AuditRecord")) == Set(object.keys))
    #expect(Set(try schema("AuditRecord")["required"]?.array?.compactMap(\.string) ?? []) == Set(object.keys))
    #expect(try enumValues("AuditAction") == AuditAction.allCases.map(\.rawValue))
  }

  @Test("the Evacuation schema lists the fields of a full evacuation, requires the ones always present")
  func evacuationFields() throws {
    var evacuation = Evacuation(
      id: MigrationID(), node: "a", targetNode: "b", requestedBy: "r", trigger: .webhook, deliveryID: "d", createdAt: Date(),
      finishedAt: Date(), jobs: [.init(id: MigrationID(), pod: "n/p", targetNode: "b", state: .queued, targetReason: "why")],
      skipped: [.init(pod: "n/q", reason: "why")])
    let full = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.evacuation(evacuation))) as? [String: Any])
    let schema = try schema("Evacuation")
    #expect(propertyNames(schema) == Set(full.keys))
    for nested in ["summary"] {
      #expect(
        propertyNames(try #require(schema["properties"]?[nested])) == Set((full[nested] as? [String: Any])?.keys ?? [:].keys))
    }
    let job = try #require((full["jobs"] as? [[String: Any]])?.first)
    #expect(propertyNames(try #require(schema["properties"]?["jobs"]?["items"])) == Set(job.keys))
    let skip = try #require((full["skipped"] as? [[String: Any]])?.first)
    #expect(propertyNames(try #require(schema["properties"]?["skipped"]?["items"])) == Set(skip.keys))
    evacuation.targetNode = nil; evacuation.deliveryID = nil; evacuation.finishedAt = nil
    let minimal = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.evacuation(evacuation))) as? [String: Any])
    #expect(Set(schema["required"]?.array?.compactMap(\.string) ?? []) == Set(minimal.keys))
  }

  @Test("the Delivery schema lists the fields of a delivery and its attempts; types and states match")
  func deliveryFields() throws {
    var delivery = NotificationDelivery(
      id: "msg_1", subscription: "s", type: .migrationFailed, payload: "{}", state: .pending, nextAttemptAt: Date(),
      createdAt: Date(), updatedAt: Date(), attempts: [.init(attempt: 1, time: Date(), status: 500, error: "e")])
    let full = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.delivery(delivery))) as? [String: Any])
    let schema = try schema("Delivery")
    #expect(propertyNames(schema) == Set(full.keys))
    let attempt = try #require((full["attempts"] as? [[String: Any]])?.first)
    #expect(propertyNames(try #require(schema["properties"]?["attempts"]?["items"])) == Set(attempt.keys))
    #expect(schema["properties"]?["type"]?["enum"]?.array?.compactMap(\.string) == NotificationType.allCases.map(\.rawValue))
    #expect(
      schema["properties"]?["state"]?["enum"]?.array?.compactMap(\.string) == NotificationDelivery.State.allCases.map(\.rawValue))
    delivery.nextAttemptAt = nil
    let minimal = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.delivery(delivery))) as? [String: Any])
    #expect(Set(schema["required"]?.array?.compactMap(\.string) ?? []) == Set(minimal.keys))
  }

  @Test("the Event schema lists the fields of an event")
  func eventFields() throws {
    let event = MigrationEvent(
      seq: 1, time: Date(), type: .created, stage: .preflight, attempt: 1, message: "m", data: ["k": "v"])
    let page = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.events([event]))) as? [String: Any])
    let object = try #require((page["items"] as? [[String: Any]])?.first)
    #expect(propertyNames(try schema("Event")) == Set(object.keys))
  }

  @Test("enums match the persisted raw values")
  func enums() throws {
    #expect(try enumValues("JobState") == JobState.allCases.map(\.rawValue))
    #expect(try enumValues("Stage") == Stage.allCases.map(\.rawValue))
    #expect(try enumValues("StageState") == StageState.allCases.map(\.rawValue))
    #expect(try enumValues("SourcePolicy") == SourcePolicy.allCases.map(\.rawValue))
    #expect(try enumValues("Trigger") == Trigger.allCases.map(\.rawValue))
    #expect(try enumValues("EventType") == EventType.allCases.map(\.rawValue))
  }

  @Test("the list parameters documented are the ones the server accepts")
  func listParameters() throws {
    let parameters = try #require(document["paths"]?["/v1/migrations"]?["get"]?["parameters"]?.array).compactMap {
      $0["name"]?.string
    }
    for name in parameters {
      let value =
        name == "limit"
        ? "5"
        : name == "trigger"
          ? "api"
          : name.hasPrefix("created")
            ? "2026-01-01T00:00:00Z" : name == "label" ? "a=b" : name == "state" ? "queued" : name == "stage" ? "push" : "x"
      if name == "cursor" { continue }  // only values the server issued are valid
      #expect(throws: Never.self, "\(name)") { _ = try ListQuery([(name, value)]) }
    }
    #expect(throws: Problem.self) { _ = try ListQuery([("undocumented", "x")]) }
  }

  @Test("the served document is the repository's openapi.yaml")
  func served() async throws {
    let api = try await APIHarness()
    let response = try await api.send("GET", "/openapi.yaml", token: nil)
    let file = try String(contentsOf: Self.packageRoot.appending(path: "openapi.yaml"), encoding: .utf8)
    #expect(response.status == 200 && response.text.trimmingCharacters(in: .newlines) == file.trimmingCharacters(in: .newlines))
    await api.stop()
  }
}
