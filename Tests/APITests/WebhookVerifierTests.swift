import Crypto
import Foundation
import HTTPServer
import Testing

@testable import API

/// The signature checks against the published test vectors of the Standard Webhooks spec
/// (libraries' shared cases) and GitHub's documentation example.
@Suite("webhook signatures")
struct WebhookVerifierTests {
  // Standard Webhooks' published vector: this key, id, timestamp and payload sign to `signature`.
  static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
  static let timestamp: Int64 = 1_614_265_330
  static let payload = Array(#"{"test": 2432232314}"#.utf8)
  static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
  static let signedAt = Date(timeIntervalSince1970: TimeInterval(timestamp))

  let standard = WebhookVerifier.standardWebhooks(key: WebhookVerifier.standardWebhooksKey(secret)!)

  func headers(id: String? = id, timestamp: String? = String(timestamp), signature: String? = signature) -> HTTPHeaders {
    var headers = HTTPHeaders()
    if let id { headers.add("webhook-id", id) }
    if let timestamp { headers.add("webhook-timestamp", timestamp) }
    if let signature { headers.add("webhook-signature", signature) }
    return headers
  }

  func verify(_ headers: HTTPHeaders, body: [UInt8] = payload, now: Date = signedAt) throws(WebhookVerifier.Refusal) -> String {
    try standard.verify(headers: headers, body: body, now: now, tolerance: 300)
  }

  @Test("the published vector verifies and yields the delivery id, with or without the whsec_ prefix")
  func publishedVector() throws {
    #expect(try verify(headers()) == Self.id)
    let unprefixed = WebhookVerifier.standardWebhooks(
      key: WebhookVerifier.standardWebhooksKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!)
    #expect(try unprefixed.verify(headers: headers(), body: Self.payload, now: Self.signedAt, tolerance: 300) == Self.id)
  }

  @Test("a list of signatures passes when any v1 entry matches (key rotation)")
  func multipleSignatures() throws {
    let list = [
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", Self.signature,
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    ].joined(separator: " ")
    #expect(try verify(headers(signature: list)) == Self.id)
  }

  @Test("missing headers, malformed values, wrong or partial signatures and a changed body are refused")
  func refusals() {
    #expect(throws: WebhookVerifier.Refusal.missingHeader("webhook-id")) { try verify(headers(id: nil)) }
    #expect(throws: WebhookVerifier.Refusal.missingHeader("webhook-timestamp")) { try verify(headers(timestamp: nil)) }
    #expect(throws: WebhookVerifier.Refusal.missingHeader("webhook-signature")) { try verify(headers(signature: nil)) }
    #expect(throws: WebhookVerifier.Refusal.malformedHeader("webhook-timestamp")) { try verify(headers(timestamp: "hello")) }
    #expect(throws: WebhookVerifier.Refusal.badSignature) { try verify(headers(signature: "v1,dawfeoifkpqwoekfpqoekf")) }
    #expect(throws: WebhookVerifier.Refusal.badSignature) { try verify(headers(signature: String(Self.signature.prefix(8)))) }
    #expect(throws: WebhookVerifier.Refusal.badSignature) { try verify(headers(signature: "v1,")) }
    #expect(throws: WebhookVerifier.Refusal.badSignature) { try verify(headers(signature: "v2," + Self.signature.dropFirst(3))) }
    #expect(throws: WebhookVerifier.Refusal.badSignature) { try verify(headers(), body: Self.payload + [0x20]) }
  }

  @Test("timestamps more than the tolerance away from now, either way, are refused")
  func staleTimestamps() throws {
    #expect(try verify(headers(), now: Self.signedAt.addingTimeInterval(300)) == Self.id)
    #expect(throws: WebhookVerifier.Refusal.staleTimestamp(secondsOff: 301)) {
      try verify(headers(), now: Self.signedAt.addingTimeInterval(301))
    }
    #expect(throws: WebhookVerifier.Refusal.staleTimestamp(secondsOff: -301)) {
      try verify(headers(), now: Self.signedAt.addingTimeInterval(-301))
    }
  }

  @Test("a secret that is not whsec_ base64 of 24 to 64 bytes is not a key")
  func secretFormat() {
    #expect(WebhookVerifier.standardWebhooksKey("whsec_not base64!") == nil)
    #expect(WebhookVerifier.standardWebhooksKey("whsec_" + Data(repeating: 1, count: 8).base64EncodedString()) == nil)
    #expect(WebhookVerifier.standardWebhooksKey(Self.secret)?.count == 24)
  }

  @Test("GitHub's documented example verifies; another body or secret does not")
  func github() throws {
    // From GitHub's "Validating webhook deliveries": this secret and payload give this signature.
    let verifier = WebhookVerifier.github(key: Array("It's a Secret to Everybody".utf8))
    var headers = HTTPHeaders()
    headers.add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
    headers.add("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    let body = Array("Hello, World!".utf8)
    #expect(
      try verifier.verify(headers: headers, body: body, now: Date(), tolerance: 1) == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
    #expect(throws: WebhookVerifier.Refusal.badSignature) {
      try verifier.verify(headers: headers, body: Array("Hello, World?".utf8), now: Date(), tolerance: 1)
    }
    let other = WebhookVerifier.github(key: Array("another secret entirely".utf8))
    #expect(throws: WebhookVerifier.Refusal.badSignature) {
      try other.verify(headers: headers, body: body, now: Date(), tolerance: 1)
    }
    headers = HTTPHeaders([("X-Hub-Signature-256", "sha256=00")])
    #expect(throws: WebhookVerifier.Refusal.missingHeader("X-GitHub-Delivery")) {
      try verifier.verify(headers: headers, body: body, now: Date(), tolerance: 1)
    }
  }

  @Test("the hooks file names its line for each mistake and never echoes a secret")
  func hookFile() throws {
    let key = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
    let file = try HookFile(
      contents: """
        # name kind scheme secret
        maintenance migrate standard-webhooks \(key)
        gh migrate github a-long-shared-secret-text
        """)
    #expect(file.hooks.keys.sorted() == ["gh", "maintenance"])
    let cases: [(String, String)] = [
      ("x migrate", "hooks file line 1: expected 'NAME KIND SCHEME SECRET'"),
      (
        "Bad_Name migrate github a-long-shared-secret-text",
        "hooks file line 1: NAME may use lowercase letters, digits and - (at most 63)"
      ),
      ("x evict github a-long-shared-secret-text", "hooks file line 1: KIND must be one of migrate, drain"),
      ("x migrate hmac a-long-shared-secret-text", "hooks file line 1: SCHEME must be standard-webhooks or github"),
      ("x migrate github short", "hooks file line 1: a github SECRET must be at least 16 characters"),
      (
        "x migrate standard-webhooks whsec_short",
        "hooks file line 1: a standard-webhooks SECRET is whsec_ followed by base64 (24 to 64 bytes)"
      ),
      (
        "x migrate github a-long-shared-secret-text\nx migrate github a-long-shared-secret-text",
        "hooks file line 2: NAME x appears twice"
      ),
    ]
    for (contents, message) in cases {
      #expect(throws: ConfigurationError.self) { try HookFile(contents: contents) }
      do { _ = try HookFile(contents: contents) } catch { #expect(error.description == message) }
    }
  }
}
