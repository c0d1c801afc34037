import Foundation

/// The Standard Webhooks signature: base64 of HMAC-SHA256 over `id.timestamp.body` with the
/// secret's key bytes, sent as `v1,<signature>` in `webhook-signature`.
public enum StandardWebhookSignature {
  /// The `v1` signature (without the `v1,` prefix) of `body` sent as message `id` at `timestamp`.
  public static func sign(id: String, timestamp: String, body: [UInt8], key: [UInt8]) -> [UInt8] {
    HMACSHA256.authenticate(Array("\(id).\(timestamp).".utf8) + body, key: key)
  }

  /// The key of a secret: `whsec_` (optional) then base64 of 24 to 64 bytes; nil otherwise.
  public static func key(fromSecret secret: String) -> [UInt8]? {
    let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
    guard let key = Data(base64Encoded: encoded), (24...64).contains(key.count) else { return nil }
    return Array(key)
  }

  /// The `webhook-signature` header value for one key.
  public static func header(id: String, timestamp: String, body: [UInt8], key: [UInt8]) -> String {
    "v1," + Data(sign(id: id, timestamp: timestamp, body: body, key: key)).base64EncodedString()
  }
}
