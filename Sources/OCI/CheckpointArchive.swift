/// A kubelet checkpoint archive whose every entry has been checked, with what it says about the
/// checkpointed container.
///
/// Validation walks the tar headers once (data is skipped, except `config.dump`, `spec.dump` and
/// `bind.mounts`, which are read, at most 16 MiB each). It accepts ustar, pax and GNU long names,
/// and refuses with ``ImageError/Code/unsafeArchive`` and the entry's name: absolute paths,
/// `..` components, hard links, devices, fifos and other special entries, absolute symlink
/// targets, symlink targets that escape the root, and entries placed beneath a symlink. Such an
/// archive must not be used as a layer as-is.
public struct CheckpointArchive: Sendable {
  /// Files the runtimes read from the image root.
  public struct NotableFiles: OptionSet, Sendable, Hashable {
    /// The raw value.
    public let rawValue: UInt8
    /// Creates a set from its raw value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `config.dump` (runtime container config) is present.
    public static let configDump = NotableFiles(rawValue: 1 << 0)
    /// `spec.dump` (OCI runtime spec) is present.
    public static let specDump = NotableFiles(rawValue: 1 << 1)
    /// `bind.mounts` (CRI-O's list of bind mounts) is present.
    public static let bindMounts = NotableFiles(rawValue: 1 << 2)
    /// The `checkpoint/` directory of CRIU images is present.
    public static let checkpointDirectory = NotableFiles(rawValue: 1 << 3)
    /// `rootfs-diff.tar` (changes to the container's root file system) is present.
    public static let rootfsDiff = NotableFiles(rawValue: 1 << 4)
    /// `status.dump` (containerd's container status, needed for containerd restores) is present.
    public static let statusDump = NotableFiles(rawValue: 1 << 5)
  }

  /// The largest `config.dump`, `spec.dump` or `bind.mounts` that is read (16 MiB).
  public static let maxMetadataFileSize = 16 << 20

  /// The archive's path.
  public let path: String
  /// Every entry, in archive order.
  public let entries: [ArchiveEntry]
  /// Which of the runtime's files are present.
  public let notableFiles: NotableFiles
  /// What `config.dump` and `spec.dump` say about the container.
  public let metadata: CheckpointMetadata

  /// Validates the archive at `path` and reads its metadata.
  ///
  /// Blocks on disk I/O proportional to the number of entries (not their size); call from a
  /// dedicated thread for large archives. Throws ``ImageError/Code/invalidMetadata`` if
  /// `config.dump`, `spec.dump` or `checkpoint/` is missing, since no runtime can restore
  /// such an archive.
  public init(validating path: String) throws(ImageError) {
    let file = try ArchiveFile(path: path)
    var reader = try TarReader(file: file)
    var entries: [ArchiveEntry] = []
    var notable: NotableFiles = []
    var configDump: [UInt8]?
    var specDump: [UInt8]?
    var symlinks: [String: (raw: String, components: [String], target: String)] = [:]
    while let header = try reader.next() {
      let components = try ArchivePath.components(of: header.name)
      let name = components.isEmpty ? "." : components.joined(separator: "/")
      let kind = try Self.kind(of: header)
      if components.isEmpty && kind != .directory {
        throw ImageError(.unsafeArchive, "entry names the archive root but is not a directory", entry: header.name)
      }
      switch (name, kind) {
      case ("config.dump", .regularFile):
        notable.insert(.configDump)
        configDump = try reader.readData(limit: Self.maxMetadataFileSize, entry: header.name)
      case ("spec.dump", .regularFile):
        notable.insert(.specDump)
        specDump = try reader.readData(limit: Self.maxMetadataFileSize, entry: header.name)
      case ("bind.mounts", .regularFile): notable.insert(.bindMounts)
      case ("rootfs-diff.tar", .regularFile): notable.insert(.rootfsDiff)
      case ("status.dump", .regularFile): notable.insert(.statusDump)
      case ("checkpoint", .directory): notable.insert(.checkpointDirectory)
      default:
        if components.count > 1 && components[0] == "checkpoint" { notable.insert(.checkpointDirectory) }
      }
      if kind == .symlink { symlinks[name] = (header.name, components, header.linkName) }
      entries.append(
        ArchiveEntry(
          name: name, rawName: header.name, size: kind == .regularFile ? header.size : 0, kind: kind,
          linkTarget: kind == .symlink ? header.linkName : nil))
    }
    // Links are checked once all are known: archive order does not matter to an unpacker.
    let symlinkNames = Set(symlinks.keys)
    for entry in entries {
      var parent = ""
      for part in entry.name.split(separator: "/").dropLast() {
        parent = parent.isEmpty ? String(part) : parent + "/" + part
        if symlinkNames.contains(parent) {
          throw ImageError(
            .unsafeArchive, "entry lies beneath the symlink \"\(parent)\" and would be written through it", entry: entry.rawName)
        }
      }
    }
    for link in symlinks.values.sorted(by: { $0.raw < $1.raw }) {
      try ArchivePath.checkSymlink(entry: link.raw, linkComponents: link.components, target: link.target, symlinks: symlinkNames)
    }
    guard let configDump, let specDump, notable.contains(.checkpointDirectory) else {
      let missing = [
        notable.contains(.configDump) ? nil : "config.dump", notable.contains(.specDump) ? nil : "spec.dump",
        notable.contains(.checkpointDirectory) ? nil : "checkpoint/",
      ].compactMap { $0 }
      throw ImageError(
        .invalidMetadata,
        "\(path) is not a container checkpoint archive: \(missing.joined(separator: ", ")) missing at its root")
    }
    self.path = path
    self.entries = entries
    self.notableFiles = notable
    self.metadata = try CheckpointMetadata(configDump: configDump, specDump: specDump)
  }

  private static func kind(of header: TarReader.Entry) throws(ImageError) -> ArchiveEntry.Kind {
    switch header.typeFlag {
    case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): return .regularFile
    case UInt8(ascii: "5"): return .directory
    case UInt8(ascii: "2"): return .symlink
    case UInt8(ascii: "1"):
      throw ImageError(
        .unsafeArchive,
        "entry is a hard link (to \"\(header.linkName)\"); checkpoint layers may only hold files, directories and symlinks",
        entry: header.name)
    case UInt8(ascii: "3"), UInt8(ascii: "4"):
      throw ImageError(
        .unsafeArchive, "entry is a device node; checkpoint layers may only hold files, directories and symlinks",
        entry: header.name)
    case UInt8(ascii: "6"):
      throw ImageError(
        .unsafeArchive, "entry is a fifo; checkpoint layers may only hold files, directories and symlinks", entry: header.name)
    default:
      let flag = String(decoding: [header.typeFlag], as: UTF8.self)
      throw ImageError(
        .unsafeArchive,
        "entry has unsupported tar type '\(flag)'; checkpoint layers may only hold files, directories and symlinks",
        entry: header.name)
    }
  }
}
