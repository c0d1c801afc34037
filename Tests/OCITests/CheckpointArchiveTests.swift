import Foundation
import OCI
import TestSupport
import Testing

@Suite("Checkpoint archive validation")
struct CheckpointArchiveTests {
  @Test("a CRI-O archive is accepted in every tar format, with its entries and metadata", arguments: ["gnu", "pax", "ustar"])
  func acceptsCRIOArchive(format: String) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory, format: format, longNames: true)
    let archive = try CheckpointArchive(validating: fixture.archive)

    #expect(archive.notableFiles.isSuperset(of: [.configDump, .specDump, .bindMounts, .checkpointDirectory, .rootfsDiff]))
    #expect(!archive.notableFiles.contains(.statusDump))
    #expect(archive.entries.filter { $0.kind == .regularFile }.map(\.name) == fixture.files)
    #expect(archive.entries.contains(ArchiveEntry(name: "checkpoint", rawName: "checkpoint/", size: 0, kind: .directory)))
    let pages = try #require(archive.entries.first { $0.name == "checkpoint/pages-1.img" })
    #expect(pages.size == 835_584 && pages.kind == .regularFile)
    #expect(archive.entries.contains { $0.name == CheckpointFixture.longName && $0.size == 5000 })

    let metadata = archive.metadata
    #expect(metadata.containerName == "counter")
    #expect(metadata.podName == "counter-7d9f8b6c5d-x2k4p")
    #expect(metadata.namespace == "default")
    #expect(metadata.rootfsImageName == "quay.io/podhop/counter:1.4")
    #expect(metadata.rootfsImageRef == "9c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c")
    #expect(metadata.rootfsImage?.hasPrefix("quay.io/podhop/counter@sha256:") == true)
    #expect(metadata.runtime == "runc")
    #expect(metadata.containerManager == "cri-o")
    #expect(metadata.specAnnotations["io.kubernetes.pod.uid"] == "5b7e2a1c-9d3f-4e6a-8b2c-1d0e9f8a7b6c")
    // 2023-11-14T23:13:05.673538606+01:00 is 22:13:05.673538606 UTC; 22:13:20 UTC is 1_700_000_000.
    let checkpointed = try #require(metadata.checkpointedAt)
    #expect(abs(checkpointed.timeIntervalSince1970 - 1_699_999_985.673_538_606) < 0.000_01)
  }

  @Test("an archive made with `tar -C dir .` (./ prefixes) is accepted")
  func acceptsDotSlashNames() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory)
    let dotted = directory.file("dotted.tar")
    try await Shell.run(["tar", "-C", fixture.sourceDirectory, "-cf", dotted, "."])
    let archive = try CheckpointArchive(validating: dotted)
    #expect(archive.entries.contains { $0.name == "." && $0.kind == .directory })
    #expect(archive.entries.contains { $0.name == "spec.dump" && $0.rawName == "./spec.dump" })
    #expect(archive.metadata.containerName == "counter")
  }

  @Test("symlinks that stay inside the root are accepted")
  func acceptsContainedSymlinks() async throws {
    let archive = try build { tar in
      try tar.symlink("checkpoint/config-link", to: "../config.dump")
      try tar.symlink("checkpoint/self", to: "./inventory.img")
    }
    let links = archive.entries.filter { $0.kind == .symlink }
    #expect(links.map(\.linkTarget) == ["../config.dump", "./inventory.img"])
  }

  @Test(
    "unsafe entries are refused with an error naming the entry",
    arguments: [
      ("../evil", "parent directory"),
      ("checkpoint/../../evil", "nested parent directory"),
      ("/etc/cron.d/evil", "absolute path"),
    ])
  func refusesUnsafePaths(name: String, _ why: String) async throws {
    let error = try refusal { tar in try tar.file(name, text: "x") }
    #expect(error.code == .unsafeArchive)
    #expect(error.entry == name)
  }

  @Test(
    "unsafe symlinks, hard links and special files are refused with an error naming the entry",
    arguments: [
      ("absolute symlink", "checkpoint/shadow", UnsafeEntry.symlink("/etc/shadow")),
      ("escaping symlink", "checkpoint/up", .symlink("../../etc")),
      ("escaping symlink at the root", "up", .symlink("..")),
      ("hard link", "checkpoint/hard", .hardLink("config.dump")),
      ("character device", "dev-null", .special("3")),
      ("block device", "sda", .special("4")),
      ("fifo", "checkpoint/pipe", .special("6")),
      ("unknown type", "checkpoint/sparse", .special("S")),
    ])
  func refusesUnsafeKinds(_ why: String, name: String, entry: UnsafeEntry) async throws {
    let error = try refusal { tar in
      switch entry {
      case .symlink(let target): try tar.symlink(name, to: target)
      case .hardLink(let target): try tar.hardLink(name, to: target)
      case .special(let type): try tar.special(name, type: type)
      }
    }
    #expect(error.code == .unsafeArchive)
    #expect(error.entry == name)
    #expect(
      error.message.contains("symlink") || error.message.contains("link") || error.message.contains("device")
        || error.message.contains("fifo") || error.message.contains("type"))
  }

  @Test("writing through a symlink and climbing out of one are refused")
  func refusesSymlinkTricks() async throws {
    let through = try refusal { tar in
      try tar.symlink("etc", to: "checkpoint")
      try tar.file("etc/passwd", text: "x")
    }
    #expect(through.code == .unsafeArchive && through.entry == "etc/passwd")

    let climb = try refusal { tar in
      try tar.symlink("here", to: ".")
      try tar.symlink("out", to: "here/..")
    }
    #expect(climb.code == .unsafeArchive && climb.entry == "out")
  }

  @Test("an archive without spec.dump is not a checkpoint archive")
  func refusesMissingSpec() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let tar = try TarBuilder(path: directory.file("a.tar"))
    try tar.file("config.dump", text: "{}")
    try tar.directory("checkpoint/")
    try tar.finish()
    let error = try #require(throws: ImageError.self) { try CheckpointArchive(validating: tar.path) }
    #expect(error.code == .invalidMetadata)
    #expect(error.message.contains("spec.dump"))
  }

  @Test("corrupt and truncated archives are refused as malformed")
  func refusesMalformed() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let good = try TarBuilder(path: directory.file("good.tar"))
    try good.checkpointBasics()
    try good.file("checkpoint/pages-1.img", .zeros(4096))
    try good.finish()
    let bytes = try Data(contentsOf: URL(fileURLWithPath: good.path))

    var corrupt = bytes
    corrupt[3] ^= 0xff  // inside the first header's name: the checksum no longer matches
    try corrupt.write(to: URL(fileURLWithPath: directory.file("corrupt.tar")))
    let checksum = try #require(throws: ImageError.self) { try CheckpointArchive(validating: directory.file("corrupt.tar")) }
    #expect(checksum.code == .malformedArchive)

    try bytes.prefix(bytes.count - 1024 - 2048).write(to: URL(fileURLWithPath: directory.file("short.tar")))
    let truncated = try #require(throws: ImageError.self) { try CheckpointArchive(validating: directory.file("short.tar")) }
    #expect(truncated.code == .malformedArchive)
    #expect(truncated.entry == "checkpoint/pages-1.img")

    try Data(repeating: 0x41, count: 2048).write(to: URL(fileURLWithPath: directory.file("text.tar")))
    let text = try #require(throws: ImageError.self) { try CheckpointArchive(validating: directory.file("text.tar")) }
    #expect(text.code == .malformedArchive)
  }

  @Test("unreadable config.dump is reported as invalid metadata naming the file")
  func refusesBadJSON() async throws {
    let error = try refusal(basics: false) { tar in
      try tar.file("config.dump", text: "{not json")
      try tar.file("spec.dump", text: "{}")
      try tar.directory("checkpoint/")
    }
    #expect(error.code == .invalidMetadata && error.entry == "config.dump")
  }

  @Test("containerd-style metadata is read from the io.kubernetes.cri annotations")
  func containerdMetadata() async throws {
    let config =
      #"{"name":"app","rootfsImageRef":"docker.io/library/nginx@sha256:aa","checkpointedTime":"2025-01-02T03:04:05Z","restored":false}"#
    let spec =
      #"{"annotations":{"io.kubernetes.cri.container-name":"app","io.kubernetes.cri.sandbox-name":"web-0","io.kubernetes.cri.sandbox-namespace":"shop"}}"#
    let metadata = try CheckpointMetadata(configDump: Array(config.utf8), specDump: Array(spec.utf8))
    #expect(metadata.containerName == "app")
    #expect(metadata.podName == "web-0")
    #expect(metadata.namespace == "shop")
    #expect(metadata.containerManager == nil)
    #expect(metadata.rootfsImageRef == "docker.io/library/nginx@sha256:aa")
    #expect(metadata.checkpointedAt == Date(timeIntervalSince1970: 1_735_787_045))
  }

  enum UnsafeEntry: Sendable {
    case symlink(String)
    case hardLink(String)
    case special(Character)
  }

  private func build(basics: Bool = true, _ entries: (TarBuilder) throws -> Void) throws -> CheckpointArchive {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let tar = try TarBuilder(path: directory.file("archive.tar"))
    if basics { try tar.checkpointBasics() }
    try entries(tar)
    try tar.finish()
    return try CheckpointArchive(validating: tar.path)
  }

  private func refusal(basics: Bool = true, _ entries: (TarBuilder) throws -> Void) throws -> ImageError {
    try #require(throws: ImageError.self) { try build(basics: basics, entries) }
  }
}
