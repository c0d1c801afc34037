import Foundation
import TestSupport
import Testing

@Suite("API status codes over real HTTP")
struct StatusCodeTests {
  @Test("every documented status code is answered with problem+json where it is an error")
  func statusCodes() async throws {
    let api = try await APIHarness()
    let job = try await api.create()
    let id = try #require(job["id"] as? String)
    let valid = #"{"source":{"namespace":"default","pod":"other"},"targetNode":"node-b"}"#
    let cases: [(String, RawHTTPResponse, Int)] = [
      ("get", try await api.send("GET", "/v1/migrations/\(id)", token: APIHarness.readerToken), 200),
      ("events", try await api.send("GET", "/v1/migrations/\(id)/events", token: APIHarness.readerToken), 200),
      ("list", try await api.send("GET", "/v1/migrations?state=queued&limit=5", token: APIHarness.readerToken), 200),
      ("malformed json", try await api.send("POST", "/v1/migrations", json: "{not json"), 400),
      ("unknown query parameter", try await api.send("GET", "/v1/migrations?colour=red", token: APIHarness.readerToken), 400),
      ("bad cursor", try await api.send("GET", "/v1/migrations?cursor=%%%", token: APIHarness.readerToken), 400),
      ("no token", try await api.send("GET", "/v1/migrations", token: nil), 401),
      ("wrong token", try await api.send("GET", "/v1/migrations", token: "not-a-real-token-at-all"), 401),
      ("reader may not create", try await api.send("POST", "/v1/migrations", token: APIHarness.readerToken, json: valid), 403),
      (
        "unknown id",
        try await api.send("GET", "/v1/migrations/\(UUID().uuidString.lowercased())", token: APIHarness.readerToken), 404
      ),
      ("not an id", try await api.send("GET", "/v1/migrations/nope", token: APIHarness.readerToken), 404),
      ("unknown path", try await api.send("GET", "/v2/things", token: APIHarness.readerToken), 404),
      ("wrong method", try await api.send("DELETE", "/v1/migrations/\(id)"), 405),
      (
        "pod busy",
        try await api.send(
          "POST", "/v1/migrations", json: #"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-c"}"#), 409
      ),
      (
        "wrong content type",
        try await api.send("POST", "/v1/migrations", json: valid, headers: [("Content-Type", "text/plain")]), 415
      ),
      (
        "unknown field",
        try await api.send(
          "POST", "/v1/migrations", json: #"{"source":{"namespace":"default","pod":"x","colour":1},"targetNode":"node-b"}"#), 422
      ),
      (
        "invalid names",
        try await api.send("POST", "/v1/migrations", json: #"{"source":{"namespace":"Default","pod":"-x"},"targetNode":""}"#), 422
      ),
      ("body over 1 MiB", try await api.send("POST", "/v1/migrations", json: String(repeating: " ", count: (1 << 20) + 1)), 413),
    ]
    for (name, response, expected) in cases {
      #expect(response.status == expected, "\(name): \(response.status) \(response.text)")
      if expected >= 400 {
        #expect(response.headers["Content-Type"] == "application/problem+json", "\(name)")
        let problem = try response.object()
        #expect(problem["status"] as? Int == expected && (problem["detail"] as? String)?.isEmpty == false, "\(name)")
      }
    }
    await api.stop()
  }

  @Test("409 names the active job, 401 asks for a bearer token, 405 lists allowed methods, 422 lists every bad field")
  func problemDetails() async throws {
    let api = try await APIHarness()
    let first = try await api.create()
    let busy = try await api.send(
      "POST", "/v1/migrations", json: #"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-c"}"#)
    #expect(try busy.object()["activeMigration"] as? String == first["id"] as? String)
    #expect(try await api.send("GET", "/v1/migrations", token: nil).headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
    #expect(try await api.send("PUT", "/v1/migrations").headers["Allow"] == "POST, GET")
    let invalid = try await api.send(
      "POST", "/v1/migrations",
      json: #"{"source":{"namespace":"Bad_NS","pod":"ok","extra":true},"targetNode":"n","sourcePolicy":"maybe","labels":{"a":1}}"#
    )
    let fields = try #require(try invalid.object()["errors"] as? [[String: String]]).compactMap { $0["field"] }
    #expect(Set(fields) == ["source.extra", "source.namespace", "sourcePolicy", "labels.a"])
    await api.stop()
  }

  @Test("the server refuses a request with both Content-Length and Transfer-Encoding")
  func smuggling() async throws {
    let api = try await APIHarness()
    let client = try await RawHTTPClient.connect(port: api.server.port)
    try await client.send(
      "POST /v1/migrations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    let response = try await client.readResponse()
    #expect(response.status == 400 && response.text.contains("Transfer-Encoding"))
    await api.stop()
  }

  @Test("changing requests over the caller's rate get 429 with Retry-After; reads are not limited")
  func rateLimit() async throws {
    // A burst of two and a refill too slow to matter within the test.
    let api = try await APIHarness(rateLimit: 0.001, burst: 2)
    var statuses: [Int] = []
    for i in 0..<4 {
      statuses.append(
        try await api.send(
          "POST", "/v1/migrations", json: #"{"source":{"namespace":"default","pod":"p\#(i)"},"targetNode":"node-b"}"#
        ).status)
    }
    #expect(statuses == [202, 202, 429, 429])
    let limited = try await api.send("POST", "/v1/migrations", json: "{}")
    #expect(limited.status == 429 && Int(limited.headers["Retry-After"] ?? "") ?? 0 >= 1)
    #expect(try await api.send("GET", "/v1/migrations", token: APIHarness.readerToken).status == 200)
    await api.stop()
  }

  @Test("pre-flight without a cluster is 503 and needs the operator role")
  func preflightWithoutCluster() async throws {
    let api = try await APIHarness()
    let body = #"{"source":{"namespace":"default","pod":"a"},"targetNode":"node-b"}"#
    let response = try await api.send("POST", "/v1/preflight", json: body)
    #expect(response.status == 503 && response.headers["Retry-After"] != nil)
    #expect(try await api.send("POST", "/v1/preflight", token: APIHarness.readerToken, json: body).status == 403)
    await api.stop()
  }

  @Test("while draining, changes get 503 with Retry-After, reads still work, and /readyz is 503")
  func draining() async throws {
    let api = try await APIHarness()
    let job = try await api.create()
    api.api.startDraining()
    let refused = try await api.send(
      "POST", "/v1/migrations", json: #"{"source":{"namespace":"default","pod":"x"},"targetNode":"node-b"}"#)
    #expect(refused.status == 503 && refused.headers["Retry-After"] != nil)
    #expect(try await api.send("POST", "/v1/migrations/\(job["id"] as! String)/cancel").status == 503)
    #expect(try await api.send("GET", "/v1/migrations", token: APIHarness.readerToken).status == 200)
    #expect(try await api.send("GET", "/readyz", token: nil).status == 503)
    #expect(try await api.send("GET", "/healthz", token: nil).status == 200)
    await api.stop()
  }
}

@Suite("Request validation details")
struct RequestValidationTests {
  @Test("allowVolumes must be a JSON boolean, not a number or string", arguments: ["1", "\"true\"", "null"])
  func allowVolumesType(_ value: String) async throws {
    let api = try await APIHarness()
    let response = try await api.send(
      "POST", "/v1/migrations",
      json: #"{"source":{"namespace":"default","pod":"a"},"targetNode":"node-b","allowVolumes":\#(value)}"#)
    #expect(response.status == 422)
    let ok = try await api.send(
      "POST", "/v1/migrations", json: #"{"source":{"namespace":"default","pod":"a"},"targetNode":"node-b","allowVolumes":true}"#)
    let job = try ok.object()
    #expect(ok.status == 202 && job["allowVolumes"] as? Bool == true)
    await api.stop()
  }
}
