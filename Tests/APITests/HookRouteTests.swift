import API
import Crypto
import Foundation
import TestSupport
import Testing

/// `POST /v1/hooks/{name}` over HTTP, and what it leaves in jobs and the audit trail.
@Suite("Webhook route")
struct HookRouteTests {
  static let key = [UInt8](repeating: 0x5a, count: 32)
  static let githubSecret = "a-long-shared-secret-text"
  static let hooks = try! HookFile(
    contents: """
      maintenance migrate standard-webhooks whsec_\(Data(key).base64EncodedString())
      gh migrate github \(githubSecret)
      """)
  static let body = #"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-b"}"#

  /// Standard Webhooks headers signing `body` as delivery `id` at `time`.
  static func signed(_ body: String, id: String, time: Date = Date(), key: [UInt8] = key) -> [(String, String)] {
    let timestamp = String(Int64(time.timeIntervalSince1970))
    let signature = Data(HMACSHA256.authenticate(Array("\(id).\(timestamp).\(body)".utf8), key: key)).base64EncodedString()
    return [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", "v1,\(signature)")]
  }

  func auditRecords(_ api: APIHarness, _ query: String) async throws -> [[String: Any]] {
    let response = try await api.send("GET", "/v1/audit?\(query)", token: APIHarness.readerToken)
    #expect(response.status == 200, "\(response.text)")
    return try #require(try response.object()["items"] as? [[String: Any]])
  }

  @Test("a signed delivery creates one job recording the hook and delivery; a redelivery replays it and creates nothing")
  func migrateAndDuplicate() async throws {
    let api = try await APIHarness(hooks: Self.hooks)
    let first = try await api.send(
      "POST", "/v1/hooks/maintenance", token: nil, json: Self.body, headers: Self.signed(Self.body, id: "msg_1"))
    #expect(first.status == 202, "\(first.text)")
    let job = try first.object()
    #expect(job["trigger"] as? String == "webhook" && job["requestedBy"] as? String == "hook:maintenance")
    #expect(job["deliveryId"] as? String == "msg_1")
    let again = try await api.send(
      "POST", "/v1/hooks/maintenance", token: nil, json: Self.body, headers: Self.signed(Self.body, id: "msg_1"))
    #expect(again.status == 202 && again.body == first.body && again.headers["Idempotent-Replayed"] == "true")
    let list = try await api.send("GET", "/v1/migrations?trigger=webhook", token: APIHarness.readerToken)
    #expect((try list.object()["items"] as? [Any])?.count == 1)
    let accepted = try await auditRecords(api, "action=hook.accepted")
    #expect(accepted.compactMap { ($0["details"] as? [String: String])?["outcome"] } == ["duplicate", "created"])
    let created = try await auditRecords(api, "action=migration.created")
    #expect(created.count == 1 && created.first?["actor"] as? String == "hook:maintenance")
    #expect(created.first?["sourceAddress"] as? String == "127.0.0.1")
    await api.stop()
  }

  @Test("a bad signature, a wrong key or a stale timestamp is 401 with no detail; the audit trail keeps the reason")
  func refused() async throws {
    let api = try await APIHarness(hooks: Self.hooks)
    var headers = Self.signed(Self.body, id: "msg_2")
    headers[2].1 = "v1,AAAA" + headers[2].1.dropFirst(7)
    let cases: [[(String, String)]] = [
      headers,
      Self.signed(Self.body, id: "msg_3", key: [UInt8](repeating: 1, count: 32)),
      Self.signed(Self.body, id: "msg_4", time: Date().addingTimeInterval(-3600)),
      [("webhook-id", "msg_5")],
    ]
    for headers in cases {
      let response = try await api.send("POST", "/v1/hooks/maintenance", token: nil, json: Self.body, headers: headers)
      #expect(response.status == 401)
      #expect(try response.object()["detail"] as? String == "the delivery could not be verified")
      #expect(response.headers["WWW-Authenticate"] == nil)
    }
    let list = try await api.send("GET", "/v1/migrations", token: APIHarness.readerToken)
    #expect((try list.object()["items"] as? [Any])?.isEmpty == true)
    let refused = try await auditRecords(api, "action=hook.refused&target=hook/maintenance")
    let reasons = Array(refused.compactMap { ($0["details"] as? [String: String])?["reason"] }.reversed())
    #expect(reasons.count == 4)
    #expect(Array(reasons.prefix(2)) == ["signature does not match", "signature does not match"])
    // Signed an hour ago; the clock may tick (a loaded machine: seconds) before the check.
    let stale = reasons.dropFirst(2).first ?? ""
    let seconds = Int(stale.split(separator: " ").dropFirst().first ?? "") ?? 0
    #expect(stale.hasPrefix("timestamp ") && (3600...3900).contains(seconds), "\(stale)")
    #expect(stale.hasSuffix(" s away from now, outside the tolerance"))
    #expect(reasons.last == "missing header webhook-timestamp")
    await api.stop()
  }

  @Test("an unknown hook is 404; a verified delivery with an invalid body is 422 and audited as refused")
  func unknownHookAndBadBody() async throws {
    let api = try await APIHarness(hooks: Self.hooks)
    let unknown = try await api.send(
      "POST", "/v1/hooks/nope", token: nil, json: Self.body, headers: Self.signed(Self.body, id: "m"))
    #expect(unknown.status == 404)
    let bad = #"{"source":{"namespace":"default"},"targetNode":"node-b"}"#
    let response = try await api.send(
      "POST", "/v1/hooks/maintenance", token: nil, json: bad, headers: Self.signed(bad, id: "msg_9"))
    #expect(response.status == 422 || response.status == 400, "\(response.text)")
    let refused = try await auditRecords(api, "action=hook.refused")
    #expect(refused.count == 2)
    #expect((refused.first?["details"] as? [String: String])?["deliveryId"] == "msg_9")
    #expect((refused.last?["details"] as? [String: String])?["reason"] == "no such hook")
    await api.stop()
  }

  @Test("a GitHub-style hook accepts X-Hub-Signature-256 with X-GitHub-Delivery")
  func github() async throws {
    let api = try await APIHarness(hooks: Self.hooks)
    let signature = HMACSHA256.authenticate(Array(Self.body.utf8), key: Array(Self.githubSecret.utf8)).hexString
    let response = try await api.send(
      "POST", "/v1/hooks/gh", token: nil, json: Self.body,
      headers: [("X-GitHub-Delivery", "gh-1"), ("X-Hub-Signature-256", "sha256=\(signature)")])
    #expect(response.status == 202, "\(response.text)")
    #expect(try response.object()["requestedBy"] as? String == "hook:gh")
    let forged = try await api.send(
      "POST", "/v1/hooks/gh", token: nil, json: Self.body,
      headers: [("X-GitHub-Delivery", "gh-2"), ("X-Hub-Signature-256", "sha256=" + String(repeating: "0", count: 64))])
    #expect(forged.status == 401)
    await api.stop()
  }

  @Test("API changes are audited with the token's name and address; filters and cursor paging work")
  func auditOfAPICalls() async throws {
    let api = try await APIHarness()
    let job = try await api.create()
    let id = try #require(job["id"] as? String)
    let cancel = try await api.send("POST", "/v1/migrations/\(id)/cancel")
    #expect(cancel.status == 200)
    let records = try await auditRecords(api, "target=migration/\(id)")
    #expect(
      records.compactMap { $0["action"] as? String } == ["migration.canceled", "migration.cancel-requested", "migration.created"])
    #expect(records.compactMap { $0["actor"] as? String } == ["podhop", "otto", "otto"])
    #expect(records.last?["sourceAddress"] as? String == "127.0.0.1")
    _ = try await api.create(pod: "second")
    let page1 = try await api.send("GET", "/v1/audit?limit=2", token: APIHarness.readerToken)
    let cursor = try #require(try page1.object()["nextCursor"] as? String)
    let page2 = try await api.send("GET", "/v1/audit?limit=2&cursor=\(cursor)", token: APIHarness.readerToken)
    let seqs = (try page1.object()["items"] as? [[String: Any]] ?? []) + (try page2.object()["items"] as? [[String: Any]] ?? [])
    #expect(seqs.compactMap { $0["seq"] as? Int } == [4, 3, 2, 1])
    let bad = try await api.send("GET", "/v1/audit?action=nope&cursor=zz&since=yesterday", token: APIHarness.readerToken)
    #expect(bad.status == 400)
    #expect(
      ((try bad.object()["errors"] as? [[String: String]]) ?? []).compactMap { $0["field"] } == ["action", "cursor", "since"])
    let anonymous = try await api.send("GET", "/v1/audit", token: nil)
    #expect(anonymous.status == 401)
    await api.stop()
  }
}
