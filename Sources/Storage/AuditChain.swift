import Core
import Crypto

/// The tamper evidence of the audit trail: each record's hash is the SHA-256 of the previous
/// record's hash followed by the record's fields, each written as `<byte count>:<value>\n` so
/// that no two different records share an encoding. The first record follows `genesis`.
public enum AuditChain {
  /// The "previous hash" of the first record.
  public static let genesis = String(repeating: "0", count: 64)

  /// The hash `record` must carry when it follows a record whose hash is `previous`.
  public static func hash(
    previous: String, seq: Int64, time: Int64, actor: String, sourceAddress: String,
    action: String, target: String, details: String
  ) -> String {
    var bytes = Array(previous.utf8)
    for field in [String(seq), String(time), actor, sourceAddress, action, target, details] {
      bytes += Array("\(field.utf8.count):".utf8) + Array(field.utf8) + [0x0A]
    }
    return SHA256.hexDigest(bytes)
  }
}
