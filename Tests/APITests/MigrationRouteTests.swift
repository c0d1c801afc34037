import Foundation
import HTTPServer
import TestSupport
import Testing

@Suite("Migration routes")
struct MigrationRouteTests {
  @Test("POST answers 202 with Location and the queued job, as GET shows it")
  func create() async throws {
    let api = try await APIHarness()
    let response = try await api.send(
      "POST", "/v1/migrations",
      json:
        #"{"source":{"namespace":"default","pod":"counter","container":"app"},"targetNode":"node-b","sourcePolicy":"keep","labels":{"ticket":"OPS-1"}}"#
    )
    #expect(response.status == 202)
    let job = try response.object()
    let id = try #require(job["id"] as? String)
    #expect(response.headers["Location"] == "/v1/migrations/\(id)")
    #expect(
      job["state"] as? String == "queued" && job["stage"] as? String == "preflight" && job["sourcePolicy"] as? String == "keep")
    #expect(job["requestedBy"] as? String == "otto" && job["trigger"] as? String == "api")
    #expect((job["source"] as? [String: String]) == ["namespace": "default", "pod": "counter", "container": "app"])
    let fetched = try await api.send("GET", "/v1/migrations/\(id)", token: APIHarness.readerToken)
    #expect(try fetched.object() as NSDictionary == job as NSDictionary)
    await api.stop()
  }

  @Test("Idempotency-Key: same body replays, other body is 422, whitespace does not matter")
  func idempotency() async throws {
    let api = try await APIHarness()
    let body = #"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-b"}"#
    let first = try await api.send("POST", "/v1/migrations", json: body, headers: [("Idempotency-Key", "drain-42")])
    let again = try await api.send(
      "POST", "/v1/migrations", json: "  " + body.replacingOccurrences(of: ",", with: ", "),
      headers: [("Idempotency-Key", "drain-42")])
    #expect(first.status == 202 && again.status == 202)
    #expect(again.body == first.body && again.headers["Idempotent-Replayed"] == "true")
    let other = try await api.send(
      "POST", "/v1/migrations", json: body.replacingOccurrences(of: "node-b", with: "node-c"),
      headers: [("Idempotency-Key", "drain-42")])
    #expect(other.status == 422)
    let list = try await api.send("GET", "/v1/migrations", token: APIHarness.readerToken)
    #expect((try list.object()["items"] as? [Any])?.count == 1)
    await api.stop()
  }

  @Test("roles: a reader reads, an operator changes, an admin does both")
  func roles() async throws {
    let api = try await APIHarness()
    let id = try await api.create()["id"] as! String
    for token in [APIHarness.readerToken, APIHarness.operatorToken, APIHarness.adminToken] {
      #expect(try await api.send("GET", "/v1/migrations/\(id)", token: token).status == 200)
    }
    #expect(try await api.send("POST", "/v1/migrations/\(id)/cancel", token: APIHarness.readerToken).status == 403)
    #expect(try await api.send("POST", "/v1/migrations/\(id)/cancel", token: APIHarness.operatorToken).status == 200)
    let admin = try await api.send(
      "POST", "/v1/migrations", token: APIHarness.adminToken,
      json: #"{"source":{"namespace":"default","pod":"b"},"targetNode":"node-b"}"#)
    let adminJob = try admin.object()
    #expect(admin.status == 202 && adminJob["requestedBy"] as? String == "ada")
    await api.stop()
  }

  @Test("cancel is 200 for queued and canceled jobs; retry of a job that has not failed is 409")
  func cancelAndRetry() async throws {
    let api = try await APIHarness()
    let id = try await api.create()["id"] as! String
    let canceled = try await api.send("POST", "/v1/migrations/\(id)/cancel")
    let canceledJob = try canceled.object()
    #expect(canceled.status == 200 && canceledJob["state"] as? String == "canceled")
    #expect(try await api.send("POST", "/v1/migrations/\(id)/cancel", json: "{}").status == 200)
    #expect(try await api.send("POST", "/v1/migrations/\(id)/retry").status == 409)
    #expect(try await api.send("POST", "/v1/migrations/\(id)/cancel", json: #"{"force":true}"#).status == 422)
    let events = try await api.send("GET", "/v1/migrations/\(id)/events", token: APIHarness.readerToken)
    let types = try #require(try events.object()["items"] as? [[String: Any]]).compactMap { $0["type"] as? String }
    #expect(types == ["job.created", "cancel.requested", "job.canceled"])
    await api.stop()
  }

  @Test("list pages with an opaque cursor and filters by label, state and node")
  func listing() async throws {
    let api = try await APIHarness()
    for i in 0..<5 { _ = try await api.create(pod: "p\(i)", labels: i % 2 == 0 ? #"{"team":"a"}"# : #"{"team":"b"}"#) }
    var seen: [String] = []
    var target = "/v1/migrations?limit=2"
    for _ in 0..<5 {
      let page = try await api.send("GET", target, token: APIHarness.readerToken).object()
      seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
      guard let next = page["nextCursor"] as? String else { break }
      target = "/v1/migrations?limit=2&cursor=\(next)"
    }
    #expect(seen.count == 5 && Set(seen).count == 5)
    let teamA = try await api.send("GET", "/v1/migrations?label=team%3Da&state=queued&node=node-b", token: APIHarness.readerToken)
      .object()
    #expect((teamA["items"] as? [Any])?.count == 3 && teamA["nextCursor"] is NSNull)
    await api.stop()
  }

  @Test("read routes answer the same through the async handler as on the server's own thread")
  func readsThroughAsyncPath() async throws {
    let api = try await APIHarness()
    let id = try await api.create()["id"] as! String
    let direct = await api.api.handle(
      HTTPRequest(
        method: "GET", path: "/v1/migrations/\(id)", headers: HTTPHeaders([("Authorization", "Bearer \(APIHarness.readerToken)")])
      ))
    let served = try await api.send("GET", "/v1/migrations/\(id)", token: APIHarness.readerToken)
    #expect(direct.status == 200 && direct.body == served.body)
    await api.stop()
  }

  @Test("metrics count requests by route and report jobs by state")
  func metrics() async throws {
    let api = try await APIHarness()
    let job = try await api.create(pod: "distinctive-pod-name")
    _ = try await api.send("GET", "/v1/migrations/nope", token: APIHarness.readerToken)
    let text = try await api.send("GET", "/metrics", token: nil).text
    #expect(text.contains(#"podhop_http_requests_total{route="/v1/migrations",method="POST",status="202"} 1"#))
    #expect(text.contains(#"podhop_jobs{state="queued"} 1"#))
    #expect(text.contains("podhop_http_request_duration_seconds_bucket"))
    #expect(text.contains("podhop_queue_depth 1") && text.contains("podhop_oldest_queued_age_seconds"))
    #expect(!text.contains("distinctive-pod-name") && !text.contains(job["id"] as! String))  // bounded labels only
    await api.stop()
  }
}
