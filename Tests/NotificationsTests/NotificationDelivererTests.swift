import Core
import Crypto
import Foundation
import Storage
import TestSupport
import Testing

@testable import Notifications

/// The outbox and the deliverer against a real HTTP receiver on 127.0.0.1.
@Suite("Notification delivery")
struct NotificationDelivererTests {
  static let secret = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()

  /// A store with one failed job (its `migration.failed` event in the outbox).
  func storeWithFailedJob(_ directory: TemporaryDirectory, pod: String = "counter") async throws -> (JobStore, MigrationID) {
    let store = try JobStore(path: directory.file("podhop.db"))
    let id = try await failJob(store, pod: pod)
    return (store, id)
  }

  func failJob(_ store: JobStore, pod: String) async throws -> MigrationID {
    let request = NewMigration(source: PodReference(namespace: "default", pod: pod), targetNode: "node-b")
    guard case .created(let job) = try await store.create(request, requestedBy: "otto", trigger: .api, render: { _ in [] }) else {
      throw RawHTTPClientError(description: "not created")
    }
    _ = try await store.lease(owner: "w", duration: .seconds(30), nodeLimit: nil)
    _ = try await store.recordFailure(job.id, owner: "w", message: "pod not found", retryable: false, retryAt: nil)
    return job.id
  }

  func deliverer(_ store: JobStore, url: String, types: String = "migration.failed", allowPrivate: Bool = true)
    throws -> NotificationDeliverer
  {
    var configuration = NotificationDeliverer.Configuration()
    configuration.baseDelay = .milliseconds(10)
    configuration.pollInterval = .milliseconds(20)
    return NotificationDeliverer(
      store: store, subscriptions: try NotificationSubscriptions(contents: "portal \(url) \(Self.secret) \(types)\n"),
      guardrail: DestinationGuard(allowPrivate: allowPrivate), configuration: configuration,
      logger: Logger(minimum: .error) { _ in })
  }

  func deliveries(_ store: JobStore) async throws -> [NotificationDelivery] {
    try await store.deliveries(subscription: nil, state: nil, limit: 50, after: nil).items
  }

  @Test("a receiver that fails twice then succeeds gets the same signed message three times; every attempt is recorded")
  func retriesUntilDelivered() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (store, id) = try await storeWithFailedJob(directory)
    let receiver = try WebhookReceiver(statuses: [500, 503, 204])
    let running = try deliverer(store, url: receiver.url)
    let task = Task { await running.run() }
    let delivered = try await eventually(timeout: .seconds(20)) {
      try await deliveries(store).first?.state == .delivered
    }
    task.cancel()
    await task.value
    #expect(delivered)
    let delivery = try #require(try await deliveries(store).first)
    #expect(delivery.type == .migrationFailed && delivery.subscription == "portal")
    #expect(delivery.attempts.map(\.status) == [500, 503, 204])
    let requests = receiver.requests
    #expect(requests.count == 3 && Set(requests.compactMap { $0.headers["webhook-id"] }) == [delivery.id])
    let last = try #require(requests.last)
    let timestamp = try #require(last.headers["webhook-timestamp"])
    let key = try #require(StandardWebhookSignature.key(fromSecret: Self.secret))
    #expect(
      last.headers["webhook-signature"]
        == StandardWebhookSignature.header(id: delivery.id, timestamp: timestamp, body: last.body, key: key))
    let payload = try #require(try JSONSerialization.jsonObject(with: Data(last.body)) as? [String: Any])
    #expect(payload["type"] as? String == "migration.failed")
    let data = try #require(payload["data"] as? [String: String])
    #expect(data["id"] == id.rawValue && data["error"] == "pod not found" && data["state"] == "failed")
    await receiver.stop()
    store.close()
  }

  @Test("410 Gone switches the subscription off: no more deliveries for it until an operator redelivers")
  func goneDisables() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (store, _) = try await storeWithFailedJob(directory)
    let receiver = try WebhookReceiver(statuses: [410, 200])
    let running = try deliverer(store, url: receiver.url)
    let task = Task { await running.run() }
    #expect(try await eventually(timeout: .seconds(20)) { try await deliveries(store).first?.state == .disabled })
    _ = try await failJob(store, pod: "second")
    try await Task.sleep(for: .milliseconds(300))
    #expect(try await deliveries(store).count == 1, "a disabled subscription gets no new deliveries")
    #expect(receiver.requests.count == 1)
    let first = try #require(try await deliveries(store).first)
    guard case .queued = try await store.redeliver(first.id, requestedBy: "ada", sourceAddress: "10.0.0.1") else {
      Issue.record("not queued")
      return
    }
    #expect(try await eventually(timeout: .seconds(20)) { try await deliveries(store).first?.state == .delivered })
    task.cancel()
    await task.value
    let audit = try await store.audit(AuditFilter(), limit: 1, after: nil).items.first
    #expect(audit?.action == .redeliveryRequested && audit?.actor == "ada")
    await receiver.stop()
    store.close()
  }

  @Test("loopback and link-local destinations are refused unless allowed, and the attempt says why")
  func privateDestinations() async throws {
    #expect(DestinationGuard.isPrivate("127.0.0.1") && DestinationGuard.isPrivate("169.254.169.254"))
    #expect(
      DestinationGuard.isPrivate("::1") && DestinationGuard.isPrivate("fe80::1") && DestinationGuard.isPrivate("::ffff:127.0.0.2")
    )
    #expect(!DestinationGuard.isPrivate("10.1.2.3") && !DestinationGuard.isPrivate("2001:db8::1"))
    #expect(throws: DestinationGuard.Refusal.self) {
      try DestinationGuard(allowPrivate: false).vet("http://169.254.169.254/latest")
    }
    #expect(try DestinationGuard(allowPrivate: true).vet("http://127.0.0.1:8080/x") == ["127.0.0.1:8080:127.0.0.1"])

    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (store, _) = try await storeWithFailedJob(directory)
    let receiver = try WebhookReceiver(statuses: [200])
    let running = try deliverer(store, url: receiver.url, allowPrivate: false)
    let task = Task { await running.run() }
    #expect(try await eventually(timeout: .seconds(20)) { try await deliveries(store).first?.attempts.isEmpty == false })
    task.cancel()
    await task.value
    let attempt = try #require(try await deliveries(store).first?.attempts.first)
    #expect(attempt.status == nil && attempt.error?.contains("loopback or link-local") == true)
    #expect(receiver.requests.isEmpty)
    await receiver.stop()
    store.close()
  }

  @Test("the outbox takes only the types some subscription wants: none at all without subscribers")
  func onlyWantedTypes() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let everything = ["portal": Set(NotificationType.allCases)]
    let silent = try JobStore(path: directory.file("silent.db"), notifying: [])
    _ = try await failJob(silent, pod: "a")
    #expect(try await silent.fanOutNotifications(to: everything) == 0)
    silent.close()
    let failures = try JobStore(path: directory.file("failures.db"), notifying: [.migrationFailed])
    _ = try await failJob(failures, pod: "a")
    #expect(try await failures.fanOutNotifications(to: everything) == 1)
    #expect(try await deliveries(failures).map(\.type) == [.migrationFailed])
    failures.close()
  }

  @Test("the subscriptions file names its line for each mistake")
  func subscriptionsFile() throws {
    let parsed = try NotificationSubscriptions(contents: "# c\nportal https://portal.example/hooks \(Self.secret) *\n")
    #expect(parsed.all.first?.types == Set(NotificationType.allCases))
    let cases: [(String, String)] = [
      ("a b c", "notifications file line 1: expected 'NAME URL SECRET TYPES'"),
      ("a ftp://x/ \(Self.secret) *", "notifications file line 1: URL must be an absolute http:// or https:// URL"),
      ("a http://x/ whsec_x *", "notifications file line 1: SECRET is whsec_ followed by base64 (24 to 64 bytes)"),
      (
        "a http://x/ \(Self.secret) job.done",
        "notifications file line 1: unknown type 'job.done'; TYPES is * or some of migration.succeeded,migration.failed,migration.canceled,migration.stage.changed,evacuation.completed"
      ),
    ]
    for (contents, message) in cases {
      do {
        _ = try NotificationSubscriptions(contents: contents)
        Issue.record("accepted \(contents)")
      } catch { #expect(error.description == message) }
    }
  }

  @Test("backoff grows by four per attempt from the base, honours Retry-After, and stops at the last attempt")
  func backoff() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try JobStore(path: directory.file("podhop.db"))
    var configuration = NotificationDeliverer.Configuration()
    configuration.baseDelay = .seconds(5)
    let deliverer = NotificationDeliverer(
      store: store, subscriptions: .none, guardrail: DestinationGuard(allowPrivate: false), configuration: configuration,
      logger: Logger(minimum: .error) { _ in })
    func delay(_ attempt: Int, retryAfter: Duration? = nil) -> Double? {
      guard case .retry(let at) = deliverer.outcome(status: 500, attempt: attempt, retryAfter: retryAfter) else { return nil }
      return at.timeIntervalSinceNow
    }
    #expect((4.4...5.6).contains(delay(1) ?? 0) && (17.9...22.1).contains(delay(2) ?? 0) && (71.9...88.1).contains(delay(3) ?? 0))
    #expect((59...61).contains(delay(2, retryAfter: .seconds(60)) ?? 0))
    guard case .failed = deliverer.outcome(status: 500, attempt: 8, retryAfter: nil) else { Issue.record("not failed"); return }
    guard case .gone = deliverer.outcome(status: 410, attempt: 1, retryAfter: nil) else { Issue.record("not gone"); return }
    store.close()
  }
}
