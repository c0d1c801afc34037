import COpenSSL

/// HMAC with SHA-256 (RFC 2104), computed by OpenSSL.
public enum HMACSHA256 {
  /// Returns the 32-byte HMAC-SHA-256 of `message` under `key`.
  ///
  /// Compare tags with ``ConstantTime/equals(_:_:)``, never with `==`.
  public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
    // HMAC() treats a NULL key as "reuse the previous key", so an empty key must still be a
    // valid pointer; this one-byte buffer is passed with length 0 and never read.
    let emptyKey: [UInt8] = [0]
    let keyBytes = key.isEmpty ? emptyKey : key
    var length: UInt32 = 0
    let tag = [UInt8](unsafeUninitializedCapacity: Int(EVP_MAX_MD_SIZE)) { output, count in
      let result = keyBytes.withUnsafeBytes { keyBuffer in
        message.withUnsafeBufferPointer { messageBuffer in
          HMAC(
            EVP_sha256(), keyBuffer.baseAddress, Int32(key.count),
            messageBuffer.baseAddress, messageBuffer.count,
            output.baseAddress, &length)
        }
      }
      // HMAC() fails only when OpenSSL cannot allocate or lacks SHA-256.
      precondition(result != nil, "HMAC(SHA-256) failed")
      count = Int(length)
    }
    precondition(tag.count == SHA256.digestByteCount, "HMAC-SHA-256 tag has unexpected length")
    return tag
  }
}
