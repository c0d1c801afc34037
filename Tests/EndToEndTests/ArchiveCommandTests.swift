import Foundation
import TestSupport
import Testing

/// `podhop archive inspect` on archives made with Python's tarfile, and on damaged ones.
@Suite("podhop archive inspect")
struct ArchiveCommandTests {
  let directory: TemporaryDirectory

  init() throws { directory = try TemporaryDirectory() }

  func podhop(_ arguments: [String]) async throws -> CommandResult {
    try await Command.run(PodhopProcess.executable, arguments, directory: directory.path, timeout: .seconds(60))
  }

  /// A CRI-O style archive: two page files, a rootfs diff, and optionally an extra entry.
  func makeArchive(_ name: String, extraEntry: String? = nil) async throws -> String {
    var entries: [TarFixture.Entry] = [
      .file(
        "config.dump",
        #"{"name":"k8s_counter_counter-0_default_u_0","rootfsImageName":"docker.io/library/busybox:latest","runtime":"runc","checkpointedTime":"2026-03-01T14:05:42Z"}"#
      ),
      .file(
        "spec.dump",
        #"{"annotations":{"io.container.manager":"cri-o","io.kubernetes.container.name":"counter","io.kubernetes.pod.name":"counter-0","io.kubernetes.pod.namespace":"default"}}"#
      ),
      .directory("checkpoint"), .file("checkpoint/inventory.img", "inventory"),
      .file("checkpoint/pages-1.img", [UInt8](repeating: 0, count: 65536)),
      .file("checkpoint/pages-2.img", [UInt8](repeating: 0, count: 4096)),
      .file("rootfs-diff.tar", [UInt8](repeating: 0, count: 10240)),
    ]
    if let extraEntry { entries.append(.file(extraEntry, "evil")) }
    let path = directory.file(name)
    try await TarFixture.write(entries, to: path)
    return path
  }

  @Test("prints the container, pod, runtime, image, time and sizes")
  func text() async throws {
    let archive = try await makeArchive("checkpoint.tar")
    let result = try await podhop(["archive", "inspect", archive])
    #expect(result.status == 0, "\(result.stderr)")
    let fields = Dictionary(
      result.text.split(separator: "\n").compactMap { line -> (String, String)? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
      }, uniquingKeysWith: { first, _ in first })
    #expect(fields["Container"] == "counter")
    #expect(fields["Pod"] == "default/counter-0")
    #expect(fields["Runtime"] == "runc (manager: cri-o)")
    #expect(fields["Base image"] == "docker.io/library/busybox:latest")
    #expect(fields["Checkpointed"] == "2026-03-01T14:05:42Z")
    #expect(fields["Memory pages"] == "68.0 KiB in 2 pages-*.img file(s)")
    #expect(fields["Rootfs diff"] == "10.0 KiB")
    #expect(fields["Files"]?.contains("rootfs-diff.tar yes") == true)
  }

  @Test("-o json carries the metadata, the sizes in bytes and every entry")
  func json() async throws {
    let archive = try await makeArchive("checkpoint.tar")
    let result = try await podhop(["archive", "inspect", archive, "-o", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
    #expect(object["container"] as? String == "counter" && object["namespace"] as? String == "default")
    let sizes = try #require(object["sizes"] as? [String: Any])
    #expect(sizes["memoryPagesBytes"] as? Int == 65536 + 4096)
    #expect(sizes["rootfsDiffBytes"] as? Int == 10240)
    let entries = try #require(object["entries"] as? [[String: Any]])
    #expect(entries.count == 7)
    #expect(sizes["totalBytes"] as? Int == entries.reduce(0) { $0 + ($1["size"] as? Int ?? 0) })
  }

  @Test("damaged input exits 1 naming the problem", arguments: ["garbage", "truncated", "unsafe", "missing"])
  func damaged(_ kind: String) async throws {
    let path: String
    switch kind {
    case "garbage":
      path = directory.file("garbage.tar")
      try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: URL(fileURLWithPath: path))
    case "truncated":
      let whole = try Data(contentsOf: URL(fileURLWithPath: try await makeArchive("whole.tar")))
      path = directory.file("truncated.tar")
      try whole.prefix(1500).write(to: URL(fileURLWithPath: path))
    case "unsafe":
      path = try await makeArchive("unsafe.tar", extraEntry: "../escape")
    default:
      path = directory.file("missing.tar")
    }
    let result = try await podhop(["archive", "inspect", path])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("podhop: \(path) is not a usable checkpoint archive: "), "\(result.stderr)")
    let expected = ["garbage": "checksum", "truncated": "truncated", "unsafe": "../escape", "missing": "No such file"][kind]!
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(result.text.isEmpty)
  }
}
