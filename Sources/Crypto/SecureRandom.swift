import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
  /// Returns `count` random bytes from `RAND_bytes`.
  ///
  /// Traps if OpenSSL cannot produce random bytes: handing out predictable tokens or keys is
  /// worse than stopping, and the failure means the system's entropy source is broken.
  public static func bytes(_ count: Int) -> [UInt8] {
    // A negative count is a programmer error; Int32 is RAND_bytes' limit.
    precondition(count >= 0 && count <= Int(Int32.max), "invalid random byte count \(count)")
    guard count > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      let status = RAND_bytes(buffer.baseAddress, Int32(count))
      precondition(status == 1, "RAND_bytes failed: no secure randomness available")
      initialized = count
    }
  }
}
