import Foundation
import OCI
import TestSupport
import Testing

/// Memory is measured by bench/image-build.sh and bench/image-push.sh, not here: peak RSS of a
/// test process running other suites in parallel says nothing reliable.
@Suite("Cancellation of a build")
struct CancellationTests {
  /// A 256 MiB checkpoint archive: half zeros, half random, like memory pages.
  static func largeArchive(in directory: TemporaryDirectory, size: Int) throws -> String {
    let tar = try TarBuilder(path: directory.file("large.tar"))
    try tar.checkpointBasics()
    try tar.file("checkpoint/pages-1.img", .zeros(size / 2))
    try tar.file("checkpoint/pages-2.img", .random(size / 2))
    try tar.finish()
    return tar.path
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
