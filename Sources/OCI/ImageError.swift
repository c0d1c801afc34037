#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failure while validating a checkpoint archive or building an OCI image from it.
///
/// `code` is a closed set that callers switch on; `message` says what went wrong and what to do,
/// and `entry` names the archive entry at fault when there is one. A stage that gets an
/// `ImageError` should fail terminally for ``Code/unsafeArchive``, ``Code/malformedArchive`` and
/// ``Code/invalidMetadata`` (the same archive will fail again) and may retry ``Code/io`` once the
/// disk problem is fixed.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure this is.
  public enum Code: String, Sendable, CaseIterable {
    /// Opening, reading or writing a file failed (`errno` is in the message).
    case io
    /// The archive is not a readable tar stream (bad checksum, truncated, bad number field).
    case malformedArchive
    /// An entry would escape the image root or is a kind a layer must not carry.
    case unsafeArchive
    /// `config.dump` or `spec.dump` is missing, too large, or not the JSON we expect.
    case invalidMetadata
    /// A compression library reported an error.
    case compression
    /// The operation was cancelled before it finished.
    case cancelled
  }

  /// What kind of failure this is.
  public let code: Code
  /// A sentence a person can act on.
  public let message: String
  /// The archive entry at fault, as written in the archive, if the failure concerns one entry.
  public let entry: String?

  /// Creates an error; `entry` names the archive entry at fault, if any.
  public init(_ code: Code, _ message: String, entry: String? = nil) {
    self.code = code
    self.message = message
    self.entry = entry
  }

  /// The code, the message and the entry, for logs.
  public var description: String {
    if let entry { return "\(code.rawValue): \(message) (entry \"\(entry)\")" }
    return "\(code.rawValue): \(message)"
  }

  static func io(_ operation: String, path: String, errno code: Int32) -> ImageError {
    ImageError(.io, "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
  }
}
