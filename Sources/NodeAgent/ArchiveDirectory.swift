import Foundation

/// One checkpoint archive in the node's checkpoint directory.
public struct StoredArchive: Sendable, Equatable, Codable {
  /// The file name, `checkpoint-<pod>_<namespace>-<container>-<time>.tar`.
  public var name: String
  public var sizeBytes: Int64
  /// The file's modification time: when the kubelet finished writing it.
  public var modified: Date

  public init(name: String, sizeBytes: Int64, modified: Date) {
    self.name = name
    self.sizeBytes = sizeBytes
    self.modified = modified
  }
}

/// The kubelet's checkpoint directory as the agent sees it (mounted read-only in the DaemonSet;
/// deletion then needs the mount writable, see docs/operations.md). Only plain files whose name
/// follows the kubelet's pattern are listed, read or deleted; nothing outside the directory
/// can be named.
public struct ArchiveDirectory: Sendable {
  /// The directory's path.
  public let path: String

  public init(path: String) { self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }

  /// Whether `name` looks like an archive the kubelet writes: `checkpoint-…_….tar`, letters,
  /// digits and `._:+-` only (so no `/`, no `..` component, nothing hidden).
  public static func isArchiveName(_ name: String) -> Bool {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:+-")
    return name.hasPrefix("checkpoint-") && name.hasSuffix(".tar") && name.contains("_") && name.count <= 512
      && name.allSatisfy { allowed.contains($0) } && !name.contains("..")
  }

  /// The full path of archive `name`; nil when the name is not an archive name.
  public func file(_ name: String) -> String? {
    Self.isArchiveName(name) ? path + "/" + name : nil
  }

  /// The archives present, oldest first (by modification time, then name).
  public func list() throws -> [StoredArchive] {
    let names = try FileManager.default.contentsOfDirectory(atPath: path)
    return names.compactMap(stat).sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
  }

  /// Size and time of archive `name`; nil when it is not an archive name, does not exist or is
  /// not a regular file (a symbolic link is not followed).
  public func stat(_ name: String) -> StoredArchive? {
    guard let file = file(name), let attributes = try? FileManager.default.attributesOfItem(atPath: file),
      attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? Int64,
      let modified = attributes[.modificationDate] as? Date
    else { return nil }
    return StoredArchive(name: name, sizeBytes: size, modified: modified)
  }

  /// Deletes archive `name`; returns false when there was none.
  public func delete(_ name: String) throws -> Bool {
    guard stat(name) != nil, let file = file(name) else { return false }
    do {
      try FileManager.default.removeItem(atPath: file)
      return true
    } catch CocoaError.fileNoSuchFile {
      return false
    }
  }
}
