import Core
import Crypto
import Foundation
import HTTPClient
import Storage

/// Delivers the outbox: fans new events out to the subscriptions, POSTs each due delivery
/// signed per Standard Webhooks (`webhook-id` = the delivery id, stable across attempts),
/// and records every attempt. 2xx delivers; 410 switches the subscription off; 429 waits for
/// `Retry-After`; anything else retries with exponential backoff (base × 4ⁿ, ±10 %, capped at
/// `maxDelay`) until `maxAttempts`. At-least-once: a crash between the POST and its record
/// sends it again, with the same `webhook-id` for the receiver to drop.
public final class NotificationDeliverer: Sendable {
  /// Settings of the deliverer.
  public struct Configuration: Sendable {
    public var baseDelay: Duration = .seconds(5)
    public var maxDelay: Duration = .seconds(6 * 3600)
    public var maxAttempts = 8
    public var timeout: Duration = .seconds(15)
    public var pollInterval: Duration = .seconds(1)
    /// Deliveries sent at the same time.
    public var concurrency = 4
    public init() {}
  }

  let store: JobStore
  let subscriptions: [String: NotificationSubscription]
  let wants: [String: Set<NotificationType>]
  let guardrail: DestinationGuard
  let configuration: Configuration
  let client = HTTPClient(maxResponseBytes: 64 << 10, connectTimeout: .seconds(10))
  let logger: Logger

  public init(
    store: JobStore, subscriptions: NotificationSubscriptions, guardrail: DestinationGuard, configuration: Configuration,
    logger: Logger
  ) {
    self.store = store
    self.subscriptions = Dictionary(uniqueKeysWithValues: subscriptions.all.map { ($0.name, $0) })
    self.wants = subscriptions.wants
    self.guardrail = guardrail
    self.configuration = configuration
    self.logger = logger
  }

  /// Runs until the task is cancelled.
  public func run() async {
    while !Task.isCancelled {
      do {
        _ = try await store.fanOutNotifications(to: wants)
        let due = try await store.dueDeliveries(limit: configuration.concurrency * 4)
        await withTaskGroup(of: Void.self) { group in
          for (index, delivery) in due.enumerated() {
            if index >= configuration.concurrency { await group.next() }
            group.addTask { await self.deliver(delivery) }
          }
        }
        if due.count == configuration.concurrency * 4 { continue }
      } catch {
        logger.error("notification outbox failed", ["error": String(describing: error)])
      }
      try? await Task.sleep(for: configuration.pollInterval)
    }
  }

  /// One attempt at one delivery, recorded whatever happens.
  func deliver(_ delivery: NotificationDelivery) async {
    let attempt = delivery.attempts.count + 1
    var status: Int?
    var failure: String?
    var retryAfter: Duration?
    if let subscription = subscriptions[delivery.subscription] {
      do {
        let pinned = try guardrail.vet(subscription.url)
        let body = Array(delivery.payload.utf8)
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        let response = try await client.send(
          HTTPClientRequest(
            method: "POST", url: subscription.url,
            headers: [
              ("Content-Type", "application/json"), ("User-Agent", "podhop"), ("webhook-id", delivery.id),
              ("webhook-timestamp", timestamp),
              (
                "webhook-signature",
                StandardWebhookSignature.header(id: delivery.id, timestamp: timestamp, body: body, key: subscription.key)
              ),
            ], body: .bytes(body), timeout: configuration.timeout, pinnedAddresses: pinned))
        status = response.status
        if response.status == 429, let seconds = response.headers["Retry-After"].flatMap(Int.init), seconds >= 0 {
          retryAfter = .seconds(min(seconds, 3600))
        }
      } catch let refusal as DestinationGuard.Refusal {
        failure = refusal.description
      } catch {
        failure = String(describing: error)
      }
    } else {
      failure = "subscription \(delivery.subscription) is no longer configured"
    }
    let outcome = self.outcome(status: status, attempt: attempt, retryAfter: retryAfter)
    if case .delivered = outcome {
    } else {
      logger.warning(
        "notification not delivered",
        [
          "delivery": delivery.id, "subscription": delivery.subscription, "status": status.map(String.init) ?? "-",
          "error": failure ?? "", "attempt": String(attempt),
        ])
    }
    do {
      try await store.recordDeliveryAttempt(
        delivery.id, subscription: delivery.subscription, status: status, error: failure, outcome: outcome)
    } catch {
      logger.error("recording a notification attempt failed", ["delivery": delivery.id, "error": String(describing: error)])
    }
  }

  /// What an attempt's result means for the delivery.
  func outcome(status: Int?, attempt: Int, retryAfter: Duration?) -> JobStore.DeliveryOutcome {
    if let status, (200..<300).contains(status) { return .delivered }
    if status == 410 { return .gone }
    if attempt >= configuration.maxAttempts { return .failed }
    let exponential = configuration.baseDelay * Int(truncatingIfNeeded: 1 << (2 * min(attempt - 1, 15)))
    let capped = min(exponential, configuration.maxDelay)
    let jitter = Double.random(in: 0.9...1.1)
    let delay = retryAfter ?? capped * jitter
    return .retry(at: Date().addingTimeInterval(delay / .seconds(1)))
  }
}
