import Foundation
import TestSupport

/// A CRI-O-layout checkpoint directory mirroring a real archive listing
/// (Fixtures/crio-archive.list.txt), with the fixture `config.dump`, `spec.dump` and
/// `bind.mounts`, packed into a tar archive by the `tar` CLI.
struct CheckpointFixture {
  /// The directory whose contents are archived.
  let sourceDirectory: String
  /// The archive.
  let archive: String
  /// Relative names of the regular files, in archive order.
  let files: [String]

  static let longName = "checkpoint/" + String(repeating: "d", count: 80) + "/" + String(repeating: "f", count: 90) + ".img"

  static func fixture(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }
    return try Data(contentsOf: url)
  }

  /// Builds the directory and archive in `directory`. `format` is a GNU tar `--format` value;
  /// `longNames` adds an entry whose path needs ustar's prefix, a GNU long name or a pax record;
  /// `pagesSize` overrides the size of `checkpoint/pages-1.img` (half zeros, half pseudo-random).
  init(in directory: TemporaryDirectory, format: String = "gnu", longNames: Bool = false, pagesSize: Int? = nil) async throws {
    sourceDirectory = directory.file("source")
    archive = directory.file("checkpoint.tar")
    let listing = String(decoding: try Self.fixture("crio-archive.list.txt"), as: UTF8.self)
    var names: [String] = []
    var files: [String] = []
    var generator = SplitMix(seed: 42)
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 6 else { continue }
      let name = String(fields[5])
      let path = sourceDirectory + "/" + name
      if fields[0].hasPrefix("d") {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        names.append(String(name.dropLast(name.hasSuffix("/") ? 1 : 0)))
        continue
      }
      let data: Data
      switch name {
      case "config.dump", "spec.dump", "bind.mounts": data = try Self.fixture(name)
      case "checkpoint/pages-1.img": data = generator.pages(count: pagesSize ?? Int(fields[2])!)
      default: data = generator.pages(count: Int(fields[2])!)
      }
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try data.write(to: URL(fileURLWithPath: path))
      names.append(name)
      files.append(name)
    }
    if longNames {
      let path = sourceDirectory + "/" + Self.longName
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Data(generator.pages(count: 5000)).write(to: URL(fileURLWithPath: path))
      names.append((Self.longName as NSString).deletingLastPathComponent)
      names.append(Self.longName)
      files.append(Self.longName)
    }
    self.files = files
    try await Shell.run(
      [
        "tar", "--format=\(format)", "--numeric-owner", "--owner=0", "--group=0", "--mtime=2023-11-14 22:13:00",
        "--no-recursion", "-C", sourceDirectory, "-cf", archive,
      ] + names)
  }
}

/// A small deterministic generator (SplitMix64) for file contents that compress like memory
/// pages: runs of zeros between incompressible bytes.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `count` bytes: the first half zeros, the second half pseudo-random.
  mutating func pages(count: Int) -> Data {
    var bytes = [UInt8](repeating: 0, count: count)
    var index = count / 2
    while index < count {
      var word = next()
      for _ in 0..<8 where index < count {
        bytes[index] = UInt8(truncatingIfNeeded: word)
        word >>= 8
        index += 1
      }
    }
    return Data(bytes)
  }
}
