import HTTPClient
import Registry
import TestSupport
import Testing

@Suite("Streamed blob uploads to a real docker-registry")
struct RegistryStreamedBlobTests {
  @Test("a blob of unknown length streams with one PATCH and is committed under the digest its source computed")
  func streamed() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/streamed", tag: "v1")
      let layer = MemoryBlob(uniqueBytes(2_000_000))
      let digest = try await client.pushStreamedBlob(repository) {
        // The digest is only "known" after the bytes were read, as for a layer compressed on the way.
        StreamedBlob(source: ByteBodySource(layer.bytes), digest: { layer.digest })
      }
      #expect(digest == layer.digest)
      #expect(try await client.blobExists(repository, digest: layer.digest))
    }
  }

  @Test("a source whose digest is not what it produced is refused by the registry")
  func wrongDigest() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/streamed", tag: "v1")
      let layer = MemoryBlob(uniqueBytes(100_000))
      let other = MemoryBlob(uniqueBytes(100_001))
      await #expect(throws: RegistryError.self) {
        _ = try await client.pushStreamedBlob(repository) {
          StreamedBlob(source: ByteBodySource(layer.bytes), digest: { other.digest })
        }
      }
      let stored = try await client.blobExists(repository, digest: other.digest)
      #expect(!stored)
    }
  }

  @Test("the registry restarted mid-stream: the blob is streamed again from the start and completes")
  func restartMidStream() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/streamed-restart")
      let bytes = uniqueBytes(6 << 20)
      let layer = MemoryBlob(bytes)
      let pause = PausePoint(offset: 1 << 20)
      let opens = OpenLog()
      let push = Task {
        try await client.pushStreamedBlob(repository) {
          // The first attempt pauses after 1 MiB while the test restarts the registry.
          StreamedBlob(source: MemorySource(bytes, pause: opens.recordOpen() == 1 ? pause : nil), digest: { layer.digest })
        }
      }
      #expect(await eventually(timeout: .seconds(30)) { pause.hasBeenReached })
      try await registry.restart()
      pause.release()
      #expect(try await push.value == layer.digest)
      #expect(opens.count >= 2)
      #expect(try await client.blobExists(repository, digest: layer.digest))
    }
  }
}
