import Foundation
import OCI
import TestSupport
import Testing

/// A compression together with the gzip engine to use for it.
struct Codec: Sendable, CustomTestStringConvertible {
  let compression: Compression
  let engine: GzipEngine

  static let all = [
    Codec(compression: .none, engine: .preferred), Codec(compression: .gzip, engine: .isal),
    Codec(compression: .gzip, engine: .zlib), Codec(compression: .zstd, engine: .preferred),
  ]

  var testDescription: String { compression == .gzip ? "gzip (\(engine.rawValue))" : compression.rawValue }

  /// The command that decompresses this codec's output to stdout.
  func decompressCommand(_ path: String) -> [String] {
    switch compression {
    case .none: ["cat", path]
    case .gzip: ["gzip", "-dc", path]
    case .zstd: ["zstd", "-q", "-dc", path]
    }
  }
}

@Suite("Layer streaming")
struct LayerStreamTests {
  @Test("the layer decompresses to the archive; diffID is sha256sum of the archive, digest of the output", arguments: Codec.all)
  func roundTrip(codec: Codec) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory, pagesSize: 3 << 20)
    let stream = try LayerStream(archive: fixture.archive, compression: codec.compression, gzipEngine: codec.engine)
    let layer = directory.file("layer")
    try drain(stream, to: layer, bufferSize: 256 * 1024 + 3)
    let digests = try #require(stream.result)

    let archiveSize = try FileManager.default.attributesOfItem(atPath: fixture.archive)[.size] as! Int
    let layerSize = try FileManager.default.attributesOfItem(atPath: layer)[.size] as! Int
    #expect(digests.diffID == (try await Shell.sha256sum(fixture.archive)))
    #expect(digests.digest == (try await Shell.sha256sum(layer)))
    #expect(digests.size == Int64(layerSize))
    #expect(digests.uncompressedSize == Int64(archiveSize))
    #expect(digests.mediaType == codec.compression.layerMediaType)
    if codec.compression == .none {
      #expect(digests.digest == digests.diffID)
    } else {
      #expect(layerSize < archiveSize)
    }
    let restored = directory.file("restored.tar")
    try await Shell.run(codec.decompressCommand(layer), outputPath: restored)
    #expect(try await Shell.sha256sum(restored) == digests.diffID)
  }

  @Test("tiny read buffers, rewinding and compute() all give the same digests", arguments: Codec.all)
  func smallBuffersAndRewind(codec: Codec) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory, pagesSize: 64 * 1024)
    let stream = try LayerStream(archive: fixture.archive, compression: codec.compression, gzipEngine: codec.engine)
    try drain(stream, to: directory.file("big-buffers"), bufferSize: 1 << 20)
    let first = try #require(stream.result)
    #expect(stream.result == first)
    let one = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
    defer { one.deallocate() }
    #expect(try stream.read(into: one) == 0)

    try stream.rewind()
    #expect(stream.result == nil)
    try drain(stream, to: directory.file("small-buffers"), bufferSize: 61)
    #expect(stream.result == first)
    #expect(try await Shell.sha256sum(directory.file("small-buffers")) == first.digest)

    let computed = try LayerDigests.compute(archive: fixture.archive, compression: codec.compression, gzipEngine: codec.engine)
    #expect(computed == first)
    let computedAsync = try await ImageBuilder.computeDigests(
      archive: fixture.archive, compression: codec.compression, gzipEngine: codec.engine)
    #expect(computedAsync == first)
  }

  @Test("an empty file streams to an empty-input layer")
  func emptyFile() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = FileManager.default.createFile(atPath: directory.file("empty"), contents: Data())
    for codec in Codec.all {
      let digests = try LayerDigests.compute(
        archive: directory.file("empty"), compression: codec.compression, gzipEngine: codec.engine)
      #expect(digests.diffID == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
      #expect(digests.uncompressedSize == 0)
      #expect((codec.compression == .none) == (digests.size == 0))
    }
  }

  @Test("a missing archive is an io error naming the path")
  func missingArchive() async throws {
    let error = try #require(throws: ImageError.self) {
      try LayerStream(archive: "/nonexistent/podhop.tar", compression: .gzip)
    }
    #expect(error.code == .io)
    #expect(error.message.contains("/nonexistent/podhop.tar"))
  }

  @Test("the stream can be handed to another thread", .timeLimit(.minutes(1)))
  func readsFromAnotherThread() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory)
    let stream = try LayerStream(archive: fixture.archive, compression: .zstd)
    let total = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
      Thread.detachNewThread {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while let count = try? stream.read(into: buffer), count > 0 { total += count }
        continuation.resume(returning: total)
      }
    }
    #expect(Int64(total) == stream.result?.size)
  }

  private func drain(_ stream: LayerStream, to path: String, bufferSize: Int) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count = try stream.read(into: buffer)
      if count == 0 { break }
      try handle.write(contentsOf: Data(UnsafeRawBufferPointer(rebasing: buffer[..<count])))
    }
  }
}

@Suite("Layer bytes do not depend on the reader")
struct LayerStreamReaderIndependenceTests {
  @Test(
    "the same archive gives the same layer digest whatever buffer size reads it",
    arguments: [(Compression.gzip, GzipEngine.isal), (.gzip, .zlib), (.zstd, .isal)])
  func readerSizes(compression: Compression, engine: GzipEngine) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let fixture = try await CheckpointFixture(in: directory, pagesSize: 3 << 20)
    let expected = try LayerDigests.compute(archive: fixture.archive, compression: compression, gzipEngine: engine)
    // curl asks for its upload buffer size (64 KiB to 512 KiB); 61 bytes is the extreme case.
    for size in [61, 16 << 10, 64 << 10, 512 << 10, 4 << 20] {
      let stream = try LayerStream(archive: fixture.archive, compression: compression, gzipEngine: engine)
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
      defer { buffer.deallocate() }
      while try stream.read(into: buffer) > 0 {}
      #expect(stream.result?.digest == expected.digest, "read with \(size)-byte buffers")
    }
  }
}
