/// One entry of a checkpoint archive, after validation.
public struct ArchiveEntry: Sendable, Equatable, Hashable {
  /// The kinds of entry a checkpoint layer may carry; anything else is refused.
  public enum Kind: String, Sendable, Equatable, Hashable {
    /// A regular file.
    case regularFile
    /// A directory.
    case directory
    /// A symbolic link whose target stays inside the archive root.
    case symlink
  }

  /// The path as normalised: relative, `/`-separated, without `.` components or a trailing `/`
  /// (the root directory entry `./` is `"."`).
  public let name: String
  /// The path exactly as the archive spells it (for error messages).
  public let rawName: String
  /// Data size in bytes (0 for directories and symlinks).
  public let size: Int64
  /// What kind of entry this is.
  public let kind: Kind
  /// The link target, for symlinks.
  public let linkTarget: String?

  /// Creates an entry description.
  public init(name: String, rawName: String, size: Int64, kind: Kind, linkTarget: String? = nil) {
    self.name = name
    self.rawName = rawName
    self.size = size
    self.kind = kind
    self.linkTarget = linkTarget
  }
}

/// Lexical path rules for archive entries and symlink targets.
enum ArchivePath {
  /// The components of a relative entry name, or an error saying why it is unsafe.
  static func components(of raw: String) throws(ImageError) -> [String] {
    guard !raw.isEmpty else { throw ImageError(.unsafeArchive, "entry has an empty name", entry: raw) }
    guard !raw.hasPrefix("/") else {
      throw ImageError(.unsafeArchive, "entry has an absolute path; a layer's entries must be relative to its root", entry: raw)
    }
    guard !raw.utf8.contains(0) else { throw ImageError(.unsafeArchive, "entry name contains a NUL byte", entry: raw) }
    let parts = raw.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    guard !parts.contains("..") else {
      throw ImageError(.unsafeArchive, "entry path contains a \"..\" component and could escape the image root", entry: raw)
    }
    return parts.filter { $0 != "." }
  }

  /// Checks that a symlink at `linkComponents` pointing to `target` resolves inside the root
  /// without walking `..` out of another symlink (which the lexical check could not follow).
  static func checkSymlink(entry raw: String, linkComponents: [String], target: String, symlinks: Set<String>) throws(ImageError)
  {
    guard !target.isEmpty else { throw ImageError(.unsafeArchive, "symlink has an empty target", entry: raw) }
    guard !target.hasPrefix("/") else {
      throw ImageError(
        .unsafeArchive, "symlink target \"\(target)\" is absolute; it would point outside the container root", entry: raw)
    }
    var resolved = Array(linkComponents.dropLast())
    for part in target.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
      if part == ".." {
        guard !resolved.isEmpty else {
          throw ImageError(.unsafeArchive, "symlink target \"\(target)\" escapes the archive root", entry: raw)
        }
        guard !symlinks.contains(resolved.joined(separator: "/")) else {
          throw ImageError(
            .unsafeArchive, "symlink target \"\(target)\" climbs out of another symlink; it cannot be checked safely", entry: raw)
        }
        resolved.removeLast()
      } else {
        resolved.append(String(part))
      }
    }
  }
}
