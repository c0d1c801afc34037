// The Codable shapes of the OCI documents podhop writes. Encoded with sorted keys so equal
// inputs give equal bytes and digests.
import Foundation

/// An OCI content descriptor: the media type, digest and size of a blob.
public struct OCIDescriptor: Codable, Sendable, Equatable {
  /// The blob's media type.
  public var mediaType: String
  /// `sha256:<hex>` of the blob.
  public var digest: String
  /// The blob's size in bytes.
  public var size: Int64
  /// Annotations, such as `org.opencontainers.image.ref.name` in an index.
  public var annotations: [String: String]?

  /// Creates a descriptor.
  public init(mediaType: String, digest: String, size: Int64, annotations: [String: String]? = nil) {
    self.mediaType = mediaType
    self.digest = digest
    self.size = size
    self.annotations = annotations
  }
}

struct OCIManifest: Codable {
  var schemaVersion = 2
  var mediaType = CheckpointImage.manifestMediaType
  var config: OCIDescriptor
  var layers: [OCIDescriptor]
  var annotations: [String: String]
}

struct OCIImageConfig: Codable {
  struct RootFS: Codable {
    var type = "layers"
    var diffIDs: [String]
    enum CodingKeys: String, CodingKey {
      case type
      case diffIDs = "diff_ids"
    }
  }
  struct History: Codable {
    var created: String
    var createdBy: String
    enum CodingKeys: String, CodingKey {
      case created
      case createdBy = "created_by"
    }
  }
  /// The runtime config; empty, because a checkpoint image restores a process rather than
  /// starting one.
  struct Empty: Codable {}

  var architecture: String
  var os: String
  var created: String
  var rootfs: RootFS
  var history: [History]
  var config = Empty()
}

struct OCIIndex: Codable {
  var schemaVersion = 2
  var mediaType: String? = "application/vnd.oci.image.index.v1+json"
  var manifests: [OCIDescriptor]
}

enum CanonicalJSON {
  /// Sorted keys, no insignificant whitespace, `/` unescaped.
  static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    do {
      return Array(try encoder.encode(value))
    } catch {
      // These documents hold only strings, integers, arrays and objects; encoding cannot fail.
      preconditionFailure("encoding an OCI document failed: \(error)")
    }
  }
}
