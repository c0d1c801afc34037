import Foundation
import Registry
import Synchronization
import TestSupport
import Testing

@Suite("Pushing to a real docker-registry")
struct RegistryPushTests {
  @Test("blob, config and an annotated OCI manifest push; skopeo reads back the same bytes")
  func pushImage() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/checkpoint-counter", tag: "v1")

      let layer = MemoryBlob(uniqueBytes(300_000))
      let config = MemoryBlob(Image.config(diffID: layer.digest), mediaType: Image.ociConfig)
      let progress = ProgressLog()
      try await client.pushBlob(repository, layer.upload, progress: { progress.record($0) })
      try await client.pushBlob(repository, config.upload, progress: nil)
      #expect(progress.last == 300_000)
      let annotations = [
        "io.kubernetes.cri-o.annotations.checkpoint.name": "counter",
        "org.criu.checkpoint.container.name": "counter",
      ]
      let manifest = Image.manifest(config: config, layers: [layer], annotations: annotations)
      let digest = try await client.pushManifest(repository, manifest: manifest, mediaType: Image.ociManifest)
      #expect(digest.hasPrefix("sha256:"))

      let raw = try await skopeo(["inspect", "--raw", "--tls-verify=false", "docker://\(repository)"])
      #expect(raw == manifest)
      let rawConfig = try await skopeo(["inspect", "--config", "--raw", "--tls-verify=false", "docker://\(repository)"])
      #expect(rawConfig == config.bytes)

      let fetched = try await client.manifest(repository)
      #expect(fetched.bytes == manifest)
      #expect(fetched.mediaType == Image.ociManifest)
      #expect(fetched.digest == digest)
      var byDigest = repository
      byDigest.tag = nil
      byDigest.digest = digest
      #expect(try await client.manifest(byDigest).bytes == manifest)
      #expect(try await client.blobExists(repository, digest: layer.digest))
    }
  }

  @Test("pushing again skips blobs the registry has: the bytes are not even opened")
  func skipsExistingBlobs() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/again")
      let layer = MemoryBlob(uniqueBytes(50_000))
      #expect(try await !client.blobExists(repository, digest: layer.digest))
      try await client.pushBlob(repository, layer.upload, progress: nil)
      #expect(layer.openCount == 1)
      let progress = ProgressLog()
      try await client.pushBlob(repository, layer.upload, progress: { progress.record($0) })
      #expect(layer.openCount == 1)
      #expect(progress.values == [50_000])
    }
  }

  @Test("a large blob streams into the registry and the registry's digest matches")
  func largeBlob() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let layer = MemoryBlob(uniqueBytes(16 << 20))
      let started = ContinuousClock.now
      try await registry.client().pushBlob(registry.reference("podhop/large"), layer.upload, progress: nil)
      print("16 MiB blob push into docker-registry: \(ContinuousClock.now - started)")
      #expect(try await registry.client().blobExists(registry.reference("podhop/large"), digest: layer.digest))
    }
  }

  @Test("an unknown manifest is .notFound and terminal")
  func unknownManifest() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let error = await #expect(throws: RegistryError.self) {
        try await registry.client().manifest(registry.reference("podhop/nothing", tag: "missing"))
      }
      #expect(error?.code == .notFound)
      #expect(error?.isRetryable == false)
      #expect(error?.message.contains("podhop/nothing") == true)
    }
  }

  @Test("a manifest naming a blob the registry lacks is rejected with the registry's reason")
  func manifestWithMissingBlob() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let layer = MemoryBlob(uniqueBytes(1000))
      let config = MemoryBlob(Image.config(diffID: layer.digest), mediaType: Image.ociConfig)
      let manifest = Image.manifest(config: config, layers: [layer], annotations: [:])
      let error = await #expect(throws: RegistryError.self) {
        try await registry.client().pushManifest(
          registry.reference("podhop/broken", tag: "v1"), manifest: manifest, mediaType: Image.ociManifest)
      }
      #expect(error?.code == .invalid)
      #expect(error?.isRetryable == false)
      #expect(error?.message.contains("MANIFEST_BLOB_UNKNOWN") == true)
    }
  }

  @Test("a blob whose bytes do not match its digest is .digestMismatch")
  func wrongDigest() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let real = MemoryBlob(uniqueBytes(1000))
      let claimed = MemoryBlob(uniqueBytes(1000))
      let upload = BlobUpload(digest: claimed.digest, size: 1000, mediaType: real.mediaType) { MemorySource(real.bytes) }
      let error = await #expect(throws: RegistryError.self) {
        try await registry.client().pushBlob(registry.reference("podhop/mismatch"), upload, progress: nil)
      }
      #expect(error?.code == .digestMismatch)
      #expect(error?.message.contains("DIGEST_INVALID") == true)
    }
  }

  @Test("the registry restarted mid-upload: pushBlob starts over and completes")
  func restartMidUpload() async throws {
    try await withRegistry(.plainHTTP) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/restart")
      let bytes = uniqueBytes(6 << 20)
      let layer = MemoryBlob(bytes)
      let pause = PausePoint(offset: 1 << 20)
      let opens = OpenLog()
      let upload = BlobUpload(digest: layer.digest, size: Int64(bytes.count), mediaType: layer.mediaType) {
        // The first attempt pauses after 1 MiB; later ones run straight through.
        MemorySource(bytes, pause: opens.recordOpen() == 1 ? pause : nil)
      }
      let progress = ProgressLog()
      let push = Task { try await client.pushBlob(repository, upload, progress: { progress.record($0) }) }
      #expect(await eventually(timeout: .seconds(30)) { pause.hasBeenReached })
      try await registry.restart()
      pause.release()
      try await push.value
      #expect(opens.count >= 2)
      #expect(progress.last == Int64(bytes.count))
      #expect(try await client.blobExists(repository, digest: layer.digest))
    }
  }
}

/// Records progress callbacks (called on transfer threads).
final class ProgressLog: Sendable {
  private let storage = Mutex<[Int64]>([])
  func record(_ value: Int64) { storage.withLock { $0.append(value) } }
  var values: [Int64] { storage.withLock { $0 } }
  var last: Int64? { values.last }
}

/// Counts `BlobUpload.open` calls.
final class OpenLog: Sendable {
  private let opens = Mutex(0)
  func recordOpen() -> Int {
    opens.withLock {
      $0 += 1; return $0
    }
  }
  var count: Int { opens.withLock { $0 } }
}
