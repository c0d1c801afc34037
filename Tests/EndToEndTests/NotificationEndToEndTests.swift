import Foundation
import TestSupport
import Testing

/// The notification outbox of a real `podhop serve` survives kill -9: a delivery its
/// subscriber refused before the crash arrives after the restart, with every attempt listed.
@Suite("Notifications end to end")
struct NotificationEndToEndTests {
  static let token = "e2e-operator-token-0123456789"
  static let secret = "whsec_" + Data(repeating: 3, count: 32).base64EncodedString()

  @Test("kill -9 while a delivery is being retried; after the restart it is delivered, same webhook-id")
  func outboxSurvivesKill() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let refusing = try WebhookReceiver(statuses: [503])
    try "e2e operator \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
    try "portal \(refusing.url) \(Self.secret) migration.failed\n".write(
      toFile: directory.file("notifications"), atomically: true, encoding: .utf8)
    let arguments = [
      "serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0",
      "--notifications-file", "notifications", "--notify-private-destinations", "allow",
      "--notification-retry-base-seconds", "0.2",
    ]
    var server = try PodhopProcess(arguments, directory: directory.path)
    var port = try await server.waitForPort()
    let auth = [("Authorization", "Bearer \(Self.token)")]
    // No cluster is configured, so the job fails at pre-flight: a migration.failed notification.
    let created = try await RawHTTPClient.request(
      port: port, "POST", "/v1/migrations", headers: auth + [("Content-Type", "application/json")],
      body: Array(#"{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-b"}"#.utf8))
    #expect(created.status == 202)
    #expect(await eventually(timeout: .seconds(20)) { refusing.requests.count >= 2 })
    server.signal(SIGKILL)
    _ = await server.waitForExit()
    let receiverPort = refusing.port
    await refusing.stop()

    let accepting = try WebhookReceiver(statuses: [200], port: receiverPort)
    server = try PodhopProcess(arguments, directory: directory.path)
    port = try await server.waitForPort()
    #expect(await eventually(timeout: .seconds(20)) { !accepting.requests.isEmpty })
    let ids = Set((refusing.requests + accepting.requests).compactMap { $0.headers["webhook-id"] })
    #expect(ids.count == 1, "one delivery, the same webhook-id on every attempt: \(ids)")

    var delivery: [String: Any] = [:]
    _ = try await eventually(timeout: .seconds(20)) {
      let page = try await RawHTTPClient.request(port: port, "GET", "/v1/deliveries", headers: auth)
      let items = (try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any])?["items"] as? [[String: Any]]
      delivery = items?.first ?? [:]
      return delivery["state"] as? String == "delivered"
    }
    #expect(delivery["state"] as? String == "delivered", "\(delivery)")
    let statuses = (delivery["attempts"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? Int }
    // The receiver saw two refusals before the kill; the first was recorded before the second was
    // sent, the second may have been cut off by the kill before its record (at-least-once).
    #expect(statuses.last == 200 && statuses.dropLast().allSatisfy { $0 == 503 } && statuses.count >= 2, "\(statuses)")
    server.signal(SIGTERM)
    _ = await server.waitForExit()
    await accepting.stop()
  }
}
