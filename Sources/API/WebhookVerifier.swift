import Crypto
import Foundation
import HTTPServer

/// Checks that a webhook delivery was signed with the hook's secret, over the raw body, in
/// constant time: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
/// or GitHub's `X-Hub-Signature-256` (with `X-GitHub-Delivery` as the delivery id).
public enum WebhookVerifier: Sendable {
  case standardWebhooks(key: [UInt8])
  case github(key: [UInt8])

  /// Why a delivery was refused; recorded in the audit trail, never told to the sender.
  public enum Refusal: Error, Equatable, Sendable {
    case missingHeader(String)
    case malformedHeader(String)
    case staleTimestamp(secondsOff: Int64)
    case badSignature

    /// The reason as the audit trail records it.
    public var reason: String {
      switch self {
      case .missingHeader(let name): "missing header \(name)"
      case .malformedHeader(let name): "malformed header \(name)"
      case .staleTimestamp(let off): "timestamp \(off) s away from now, outside the tolerance"
      case .badSignature: "signature does not match"
      }
    }
  }

  /// The key of a Standard Webhooks secret: `whsec_` (optional) then base64 of 24 to 64 bytes.
  public static func standardWebhooksKey(_ secret: String) -> [UInt8]? { StandardWebhookSignature.key(fromSecret: secret) }

  /// The delivery id when the signature is valid (and, for Standard Webhooks, the timestamp is
  /// within `tolerance` seconds of `now`).
  public func verify(headers: HTTPHeaders, body: [UInt8], now: Date, tolerance: Int64) throws(Refusal) -> String {
    switch self {
    case .standardWebhooks(let key):
      let id = try Self.deliveryID(headers, "webhook-id")
      guard let timestampText = headers["webhook-timestamp"] else { throw .missingHeader("webhook-timestamp") }
      guard let timestamp = Int64(timestampText), timestampText.utf8.count <= 12 else {
        throw .malformedHeader("webhook-timestamp")
      }
      let off = Int64(now.timeIntervalSince1970.rounded(.down)) - timestamp
      guard abs(off) <= tolerance else { throw .staleTimestamp(secondsOff: off) }
      guard let header = headers["webhook-signature"] else { throw .missingHeader("webhook-signature") }
      let expected = StandardWebhookSignature.sign(id: id, timestamp: timestampText, body: body, key: key)
      // A space-separated list (several during key rotation); any matching v1 entry will do.
      var matched = false
      for entry in header.split(separator: " ") where entry.hasPrefix("v1,") {
        if let signature = Data(base64Encoded: String(entry.dropFirst(3))), ConstantTime.equals(Array(signature), expected) {
          matched = true
        }
      }
      guard matched else { throw .badSignature }
      return id
    case .github(let key):
      let id = try Self.deliveryID(headers, "X-GitHub-Delivery")
      guard let header = headers["X-Hub-Signature-256"] else { throw .missingHeader("X-Hub-Signature-256") }
      guard header.hasPrefix("sha256=") else { throw .malformedHeader("X-Hub-Signature-256") }
      let expected = Array(HMACSHA256.authenticate(body, key: key).hexString.utf8)
      guard ConstantTime.equals(Array(header.dropFirst(7).lowercased().utf8), expected) else { throw .badSignature }
      return id
    }
  }

  private static func deliveryID(_ headers: HTTPHeaders, _ name: String) throws(Refusal) -> String {
    guard let id = headers[name] else { throw .missingHeader(name) }
    guard !id.isEmpty, id.utf8.count <= 255, id.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7e }) else {
      throw .malformedHeader(name)
    }
    return id
  }
}
