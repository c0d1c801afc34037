import Foundation
import OCI
import TestSupport
import Testing

@Suite("Memory bound and cancellation")
struct MemoryAndCancellationTests {
  /// A 256 MiB checkpoint archive: half zeros, half random, like memory pages.
  static func largeArchive(in directory: TemporaryDirectory, size: Int) throws -> String {
    let tar = try TarBuilder(path: directory.file("large.tar"))
    try tar.checkpointBasics()
    try tar.file("checkpoint/pages-1.img", .zeros(size / 2))
    try tar.file("checkpoint/pages-2.img", .random(size / 2))
    try tar.finish()
    return tar.path
  }

  /// Peak resident set size of this process in KiB (`VmHWM`), after resetting it to the current
  /// RSS when `reset` is set.
  static func peakRSS(reset: Bool = false) throws -> Int {
    if reset { try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
    return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
  }

  // Other suites run in parallel in this process and allocate a few MiB each; the 64 MiB bound
  // leaves room for them, while buffering the 256 MiB archive would blow through it.
  @Test("building a 256 MiB archive grows peak RSS by less than 64 MiB, for every compression", .timeLimit(.minutes(3)))
  func boundedMemory() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let archive = try Self.largeArchive(in: directory, size: 256 << 20)
    for codec in Codec.all {
      let before = try Self.peakRSS(reset: true)
      let result = try await ImageBuilder.buildLayout(
        archive: archive, spec: CheckpointImageTests.spec, compression: codec.compression,
        layoutDirectory: directory.file("layout-\(codec.compression.rawValue)-\(codec.engine.rawValue)"), tag: "big",
        gzipEngine: codec.engine)
      let growth = try Self.peakRSS() - before
      #expect(growth < 64 * 1024, "\(codec.testDescription): peak RSS grew by \(growth) KiB")
      #expect(result.layer.uncompressedSize > 256 << 20)
      try? FileManager.default.removeItem(atPath: directory.file("layout-\(codec.compression.rawValue)-\(codec.engine.rawValue)"))
    }
  }

  @Test("cancelling a build stops it and leaves no partial blob", .timeLimit(.minutes(1)))
  func cancellation() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let archive = try Self.largeArchive(in: directory, size: 256 << 20)
    let layout = directory.file("layout")
    // zlib takes seconds for 256 MiB, so the cancel lands mid-stream. The test awaits the task.
    let build = Task {
      try await ImageBuilder.buildLayout(
        archive: archive, spec: CheckpointImageTests.spec, compression: .gzip, layoutDirectory: layout, tag: "x",
        gzipEngine: .zlib)
    }
    let blobs = layout + "/blobs/sha256"
    let started = ContinuousClock.now
    while (try? FileManager.default.contentsOfDirectory(atPath: blobs))?.isEmpty ?? true,
      ContinuousClock.now - started < .seconds(20)
    {
      try await Task.sleep(for: .milliseconds(10))
    }
    build.cancel()
    let error = await #expect(throws: ImageError.self) { try await build.value }
    #expect(error?.code == .cancelled)
    #expect(try FileManager.default.contentsOfDirectory(atPath: blobs).isEmpty)
  }
}
