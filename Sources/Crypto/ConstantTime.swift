import COpenSSL

/// Comparisons whose running time does not depend on the contents being compared.
public enum ConstantTime {
  /// Returns whether `a` and `b` hold the same bytes, using `CRYPTO_memcmp`.
  ///
  /// Returns `false` when the lengths differ; the length check is not secret (tags and token
  /// hashes have public, fixed lengths), only the contents are.
  public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { left in
      b.withUnsafeBytes { right in
        CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
      }
    }
  }
}
