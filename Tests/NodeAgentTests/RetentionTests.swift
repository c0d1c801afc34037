import Core
import Foundation
import TestSupport
import Testing

@testable import NodeAgent

@Suite("Retention of checkpoint archives")
struct RetentionTests {
  static let start = Date(timeIntervalSince1970: 1_800_000_000)

  static func archive(_ name: String, ageHours: Double, bytes: Int64) -> StoredArchive {
    StoredArchive(
      name: "checkpoint-\(name)_default-app-x.tar", sizeBytes: bytes, modified: start.addingTimeInterval(-ageHours * 3600))
  }

  @Test("archives past the maximum age go, the rest stay; with no limits nothing goes")
  func maxAge() {
    let archives = [Self.archive("old", ageHours: 30, bytes: 10), Self.archive("new", ageHours: 1, bytes: 10)]
    let policy = RetentionPolicy(maxAge: 24 * 3600)
    #expect(policy.expired(archives, now: Self.start, busy: []).map(\.name) == [archives[0].name])
    #expect(RetentionPolicy().expired(archives, now: Self.start, busy: []).isEmpty)
  }

  @Test("over the byte limit, the oldest go first until the rest fit; busy archives stay but still count")
  func maxBytes() {
    let a = Self.archive("a", ageHours: 5, bytes: 400)
    let b = Self.archive("b", ageHours: 4, bytes: 400)
    let c = Self.archive("c", ageHours: 3, bytes: 400)
    let d = Self.archive("d", ageHours: 2, bytes: 400)
    let policy = RetentionPolicy(maxBytes: 1000)
    #expect(policy.expired([d, b, a, c], now: Self.start, busy: []).map(\.name) == [a.name, b.name])
    // a is being published: it stays, so b and c must go for the rest to fit.
    #expect(policy.expired([a, b, c, d], now: Self.start, busy: [a.name]).map(\.name) == [b.name, c.name])
    #expect(RetentionPolicy(maxAge: 3600).expired([a], now: Self.start, busy: [a.name]).isEmpty)
  }

  @Test("a sweep deletes what the policy chooses from a real directory, on a manual clock, and leaves other files alone")
  func sweep() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let clock = ManualTimeSource(Self.start)
    let names = ["checkpoint-a_default-app-1.tar", "checkpoint-b_default-app-2.tar", "checkpoint-c_default-app-3.tar"]
    for (index, name) in names.enumerated() {
      try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: directory.file(name)))
      try FileManager.default.setAttributes(
        [.modificationDate: Self.start.addingTimeInterval(Double(index - 3) * 3600)], ofItemAtPath: directory.file(name))
    }
    try "not an archive".write(toFile: directory.file("notes.txt"), atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes(
      [.modificationDate: Self.start.addingTimeInterval(-100 * 3600)], ofItemAtPath: directory.file("notes.txt"))
    let archives = ArchiveDirectory(path: directory.path)
    let publications = Publications(
      directory: archives, registry: { _ in throw CancellationError() }, logger: Logger(minimum: .error), time: clock)
    let sweeper = RetentionSweeper(
      directory: archives, policy: RetentionPolicy(maxAge: 2.5 * 3600, maxBytes: 150), publications: publications, time: clock,
      logger: Logger(minimum: .error))

    // a is 3 h old (past 2.5 h); b and c are 200 bytes together, over 150: b, the older, goes.
    #expect(await sweeper.sweep().map(\.name) == [names[0], names[1]])
    #expect(try archives.list().map(\.name) == [names[2]])
    clock.advance(by: 2 * 3600)
    #expect(await sweeper.sweep().map(\.name) == [names[2]])
    #expect(FileManager.default.fileExists(atPath: directory.file("notes.txt")))
  }

  @Test(
    "archive names: only the kubelet's pattern, nothing that leaves the directory",
    arguments: [
      ("checkpoint-counter_default-app-2026-12-03T14:00:00Z.tar", true),
      ("checkpoint-counter_default-app-2026-12-03T14:00:00+01:00.tar", true),
      ("../checkpoint-counter_default-app-x.tar", false), ("checkpoint-a_b/../../etc.tar", false),
      ("checkpoint-..tar_", false), ("checkpoint-counter-app.tar", false), ("checkpoint-counter_default-app.zip", false),
      (".checkpoint-a_b.tar", false), ("checkpoint-a b_c.tar", false),
    ])
  func names(_ name: String, _ valid: Bool) {
    #expect(ArchiveDirectory.isArchiveName(name) == valid)
  }
}
