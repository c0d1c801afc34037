import Foundation
import TestSupport
import Testing

/// Exports by `Accept`: NDJSON and CSV of jobs, audit records and a job's events, read with curl.
@Suite("Exports")
struct ExportTests {
  func curl(_ api: APIHarness, _ target: String, accept: String) async throws -> CommandResult {
    try await Command.run(
      "/usr/bin/curl",
      [
        "-sS", "-H", "Authorization: Bearer \(APIHarness.readerToken)", "-H", "Accept: \(accept)", "-w", "\n%{http_code}",
        "http://127.0.0.1:\(api.server.port)\(target)",
      ], timeout: .seconds(60))
  }

  @Test("jobs as NDJSON (one job object a line) and as CSV (a header, one quoted row a job), filters applied")
  func jobs() async throws {
    let api = try await APIHarness()
    var ids: [String] = []
    for pod in ["a", "b", "c"] {
      ids.append(try #require(try await api.create(pod: pod, labels: #"{"t":"x"}"#)["id"] as? String))
    }
    _ = try await api.create(pod: "other")
    let ndjson = try await curl(api, "/v1/migrations?label=t=x", accept: "application/x-ndjson")
    var lines = ndjson.text.split(separator: "\n").map(String.init)
    #expect(lines.popLast() == "200")
    let exported = try lines.map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["id"] as? String
    }
    #expect(Set(exported.compactMap { $0 }) == Set(ids))

    let csv = try await curl(api, "/v1/migrations", accept: "text/csv")
    var rows = csv.text.components(separatedBy: "\r\n")
    #expect(rows.popLast() == "\n200")
    #expect(rows.first?.hasPrefix("id,state,stage,namespace,pod,container,") == true)
    #expect(rows.count == 5 && rows.dropFirst().allSatisfy { $0.contains(",queued,preflight,default,") })
    await api.stop()
  }

  @Test("audit records as CSV quote their JSON details; a job's events export; limit and cursor are refused")
  func auditAndEvents() async throws {
    let api = try await APIHarness()
    let id = try #require(try await api.create(pod: "a")["id"] as? String)
    let audit = try await curl(api, "/v1/audit", accept: "text/csv")
    #expect(audit.text.contains(#",migration.created,migration/\#(id),"{""pod"":""default/a"","#), "\(audit.text)")
    let events = try await curl(api, "/v1/migrations/\(id)/events", accept: "application/x-ndjson")
    #expect(events.text.hasPrefix(#"{"data":{"requestedBy":"otto","trigger":"api"},"message":"migration requested","seq":1"#))
    let paged = try await curl(api, "/v1/migrations?limit=5", accept: "text/csv")
    #expect(paged.text.hasSuffix("\n400") && paged.text.contains("drop limit and cursor"))
    await api.stop()
  }
}
