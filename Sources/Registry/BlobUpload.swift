import HTTPClient

/// A blob to upload: its digest and size are known before the upload (computed by the caller),
/// and `open()` gives a fresh BodySource each attempt.
public struct BlobUpload: Sendable {
  /// `sha256:<hex>` of the bytes; the registry verifies it.
  public var digest: String
  /// The exact number of bytes `open()`'s source produces.
  public var size: Int64
  /// The media type the manifest will give it (informational for the upload itself).
  public var mediaType: String
  /// Opens the bytes from the start; called once per upload attempt, on the caller's task.
  public var open: @Sendable () throws -> any BodySource

  /// Creates an upload description.
  public init(digest: String, size: Int64, mediaType: String, open: @escaping @Sendable () throws -> any BodySource) {
    self.digest = digest
    self.size = size
    self.mediaType = mediaType
    self.open = open
  }
}
