import COpenSSL

/// SHA-256 over bytes, computed incrementally with OpenSSL's EVP interface.
///
/// The hasher is noncopyable: it owns one `EVP_MD_CTX`, which `deinit` frees, so a copy could
/// never double-free or share the context. Use it from one thread at a time. `finalize()` consumes
/// the hasher; to hash more data, create a new one.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(chunk1)
/// hasher.update(chunk2)
/// let digest = hasher.finalize()  // 32 bytes
/// ```
public struct SHA256: ~Copyable {
  /// The length of a SHA-256 digest in bytes.
  public static let digestByteCount = 32

  // Owned: allocated by EVP_MD_CTX_new in init, freed by EVP_MD_CTX_free in deinit.
  private let context: OpaquePointer

  /// Creates a hasher with an empty input.
  public init() {
    // Allocation failure or a missing SHA-256 implementation leaves nothing sensible to do;
    // both mean the process or the OpenSSL installation is broken.
    guard let context = EVP_MD_CTX_new() else {
      preconditionFailure("EVP_MD_CTX_new failed: out of memory")
    }
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
      EVP_MD_CTX_free(context)
      preconditionFailure("EVP_DigestInit_ex(SHA-256) failed")
    }
    self.context = context
  }

  deinit {
    EVP_MD_CTX_free(context)
  }

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    // EVP_DigestUpdate only fails on a misused context, which this type rules out.
    let status = EVP_DigestUpdate(context, base, bytes.count)
    precondition(status == 1, "EVP_DigestUpdate failed")
  }

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Returns the 32-byte digest of everything passed to `update`, consuming the hasher.
  public consuming func finalize() -> [UInt8] {
    var length: UInt32 = 0
    let digest = [UInt8](unsafeUninitializedCapacity: Int(EVP_MAX_MD_SIZE)) { buffer, count in
      let status = EVP_DigestFinal_ex(context, buffer.baseAddress, &length)
      // Only fails on a misused context, which this type rules out.
      precondition(status == 1, "EVP_DigestFinal_ex failed")
      count = Int(length)
    }
    precondition(digest.count == Self.digestByteCount, "SHA-256 digest has unexpected length")
    return digest
    // `self` is destroyed here, and deinit frees the context.
  }

  /// Returns the SHA-256 digest (32 bytes) of `bytes`.
  public static func hash(_ bytes: [UInt8]) -> [UInt8] {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// Returns the SHA-256 digest of `bytes` as 64 lowercase hexadecimal characters.
  public static func hexDigest(_ bytes: [UInt8]) -> String {
    hash(bytes).hexString
  }
}
