import Foundation
import OCI

/// `podhop archive inspect FILE`: what a kubelet checkpoint archive holds, like `checkpointctl
/// show`: the container and pod, runtime, base image, checkpoint time, sizes and files.
///
/// The archive is validated as the build stage validates it (every entry checked, the metadata
/// files read), so a damaged or unsafe archive is reported with the problem and the entry.
enum ArchiveCommand {
  static let usage = """
    Usage: podhop archive inspect FILE [-o json]

    Shows what a kubelet checkpoint archive holds: container, pod, runtime and container
    manager, base image, checkpoint time, sizes (memory pages = checkpoint/pages-*.img, root
    file system changes = rootfs-diff.tar) and which of the runtime's files are present. The
    archive is validated as podhop's build stage does; a damaged or unsafe archive exits 1 naming
    the problem.

    Options:
      -o, --output FORMAT     text (default) or json.
      --help                  Show this text.

    """

  /// Runs `podhop archive ARGUMENTS`.
  static func run(_ arguments: [String]) async -> Int32 {
    await ClientCommand.run(arguments, usage: usage) { () async throws(ClientError) -> Int32 in
      guard arguments.first == "inspect" else {
        throw .usage(arguments.isEmpty ? "an archive command is required: inspect" : "unknown archive command '\(arguments[0])'")
      }
      let parsed = try ClientArguments(arguments.dropFirst(), .init(options: ["--output"]))
      let json = try parsed.wantsJSON()
      let path = try parsed.single("FILE")
      let archive: CheckpointArchive
      do throws(ImageError) {
        archive = try await ImageBuilder.inspect(archive: path)
      } catch {
        var message = "\(path) is not a usable checkpoint archive: \(error.message)"
        if let entry = error.entry { message += " (entry \"\(entry)\")" }
        throw .failed(message)
      }
      let summary = Summary(archive)
      if json {
        let data =
          (try? JSONSerialization.data(
            withJSONObject: summary.json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        print(String(decoding: data, as: UTF8.self))
      } else {
        print(summary.text)
      }
      return 0
    }
  }

  /// The figures `inspect` prints, computed once from the validated archive.
  struct Summary {
    let archive: CheckpointArchive
    let pagesBytes: Int64
    let pagesFiles: Int
    let criuBytes: Int64
    let rootfsDiffBytes: Int64?
    let totalBytes: Int64
    let archiveBytes: Int64?

    init(_ archive: CheckpointArchive) {
      self.archive = archive
      let files = archive.entries.filter { $0.kind == .regularFile }
      let pages = files.filter { $0.name.hasPrefix("checkpoint/pages-") && $0.name.hasSuffix(".img") }
      pagesBytes = pages.reduce(0) { $0 + $1.size }
      pagesFiles = pages.count
      criuBytes = files.filter { $0.name.hasPrefix("checkpoint/") }.reduce(0) { $0 + $1.size }
      rootfsDiffBytes = files.first { $0.name == "rootfs-diff.tar" }?.size
      totalBytes = files.reduce(0) { $0 + $1.size }
      let attributes = try? FileManager.default.attributesOfItem(atPath: archive.path)
      archiveBytes = (attributes?[.size] as? NSNumber)?.int64Value
    }

    /// The runtime's files and whether each is present.
    var notable: [(String, Bool)] {
      let files = archive.notableFiles
      return [
        ("config.dump", files.contains(.configDump)), ("spec.dump", files.contains(.specDump)),
        ("checkpoint/", files.contains(.checkpointDirectory)), ("bind.mounts", files.contains(.bindMounts)),
        ("rootfs-diff.tar", files.contains(.rootfsDiff)), ("status.dump", files.contains(.statusDump)),
      ]
    }

    var text: String {
      let metadata = archive.metadata
      let counts = Dictionary(grouping: archive.entries, by: \.kind).mapValues(\.count)
      var image = metadata.rootfsImageName ?? metadata.rootfsImage ?? "-"
      if let ref = metadata.rootfsImageRef, ref != image { image += " (\(ref))" }
      let checkpointed = metadata.checkpointedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
      let lines: [(String, String)] = [
        ("Container", metadata.containerName ?? "-"),
        ("Pod", "\(metadata.namespace ?? "-")/\(metadata.podName ?? "-")"),
        ("Runtime", "\(metadata.runtime ?? "-") (manager: \(metadata.containerManager ?? "containerd or unknown"))"),
        ("Base image", image),
        ("Checkpointed", checkpointed),
        ("Memory pages", "\(ClientOutput.bytes(pagesBytes)) in \(pagesFiles) pages-*.img file(s)"),
        ("CRIU images", ClientOutput.bytes(criuBytes)),
        ("Rootfs diff", rootfsDiffBytes.map(ClientOutput.bytes) ?? "none"),
        (
          "Total", "\(ClientOutput.bytes(totalBytes)) in files\(archiveBytes.map { ", \(ClientOutput.bytes($0)) archive" } ?? "")"
        ),
        (
          "Entries",
          "\(archive.entries.count): \(counts[.regularFile] ?? 0) files, \(counts[.directory] ?? 0) directories, "
            + "\(counts[.symlink] ?? 0) symlinks"
        ),
        ("Files", notable.map { "\($0.0) \($0.1 ? "yes" : "no")" }.joined(separator: ", ")),
      ]
      return lines.map { ClientOutput.pad($0.0 + ":", 15) + $0.1 }.joined(separator: "\n")
    }

    var json: [String: Any] {
      let metadata = archive.metadata
      var object: [String: Any] = [
        "path": archive.path,
        "sizes": [
          "memoryPagesBytes": pagesBytes, "checkpointBytes": criuBytes, "totalBytes": totalBytes,
          "rootfsDiffBytes": rootfsDiffBytes.map { $0 as Any } ?? NSNull(),
          "archiveBytes": archiveBytes.map { $0 as Any } ?? NSNull(),
        ] as [String: Any],
        "files": Dictionary(uniqueKeysWithValues: notable),
        "entries": archive.entries.map { ["name": $0.name, "size": $0.size, "kind": $0.kind.rawValue] as [String: Any] },
      ]
      let fields: [(String, String?)] = [
        ("container", metadata.containerName), ("pod", metadata.podName), ("namespace", metadata.namespace),
        ("runtime", metadata.runtime), ("containerManager", metadata.containerManager),
        ("rootfsImage", metadata.rootfsImage), ("rootfsImageName", metadata.rootfsImageName),
        ("rootfsImageRef", metadata.rootfsImageRef),
        ("checkpointedAt", metadata.checkpointedAt.map { ISO8601DateFormatter().string(from: $0) }),
      ]
      for (key, value) in fields { object[key] = value.map { $0 as Any } ?? NSNull() }
      return object
    }
  }
}
