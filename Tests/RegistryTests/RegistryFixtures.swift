import Crypto
import Dispatch
import Foundation
import HTTPClient
import Registry
import Synchronization
import TestSupport

/// A blob held in memory, with its digest, and a counter of how often it was opened.
final class MemoryBlob: Sendable {
  let bytes: [UInt8]
  let digest: String
  let mediaType: String
  private let opens = Mutex(0)

  init(_ bytes: [UInt8], mediaType: String = "application/vnd.oci.image.layer.v1.tar") {
    self.bytes = bytes
    self.digest = "sha256:" + SHA256.hexDigest(bytes)
    self.mediaType = mediaType
  }

  var openCount: Int { opens.withLock { $0 } }

  var upload: BlobUpload {
    BlobUpload(digest: digest, size: Int64(bytes.count), mediaType: mediaType) { [self] in
      opens.withLock { $0 += 1 }
      return MemorySource(bytes)
    }
  }

  /// The descriptor JSON object for a manifest.
  var descriptor: [String: Any] { ["mediaType": mediaType, "digest": digest, "size": bytes.count] }
}

/// A `BodySource` over bytes; optionally pauses once after `pauseAfter` bytes until `release()`.
final class MemorySource: BodySource {
  private let bytes: [UInt8]
  private let offset = Mutex(0)
  private let pause: PausePoint?

  init(_ bytes: [UInt8], pause: PausePoint? = nil) {
    self.bytes = bytes
    self.pause = pause
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var start = offset.withLock { $0 }
    if let pause, start >= pause.offset { pause.waitIfArmed() }
    // Hand out at most up to the pause point first, so the pause happens exactly there.
    var limit = bytes.count
    if let pause, pause.isArmed, start < pause.offset { limit = pause.offset }
    start = offset.withLock { $0 }
    let count = min(buffer.count, limit - start)
    guard count > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + count]))
    }
    offset.withLock { $0 += count }
    return count
  }

  func rewind() throws { offset.withLock { $0 = 0 } }
}

/// A one-shot pause for an upload: the transfer thread blocks at `offset` until the test
/// calls `release()` (or 60 s pass, so a failing test cannot hang).
final class PausePoint: Sendable {
  let offset: Int
  private let armed = Atomic<Bool>(true)
  private let reached = Atomic<Bool>(false)
  private let gate = DispatchSemaphore(value: 0)

  init(offset: Int) { self.offset = offset }

  var isArmed: Bool { armed.load(ordering: .acquiring) }
  var hasBeenReached: Bool { reached.load(ordering: .acquiring) }

  /// Called on the transfer thread (blocking is fine there).
  func waitIfArmed() {
    guard armed.exchange(false, ordering: .acquiringAndReleasing) else { return }
    reached.store(true, ordering: .releasing)
    _ = gate.wait(timeout: .now() + 60)
  }

  func release() { gate.signal() }
}

enum Image {
  /// An OCI config for one layer.
  static func config(diffID: String) -> [UInt8] {
    json([
      "architecture": "amd64", "os": "linux", "config": [String: Any](),
      "rootfs": ["type": "layers", "diff_ids": [diffID]],
    ])
  }

  /// An OCI manifest with checkpoint annotations.
  static func manifest(config: MemoryBlob, layers: [MemoryBlob], annotations: [String: String]) -> [UInt8] {
    json([
      "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "config": config.descriptor, "layers": layers.map(\.descriptor), "annotations": annotations,
    ])
  }

  static func json(_ object: Any) -> [UInt8] {
    // Sorted keys: the bytes are what gets hashed, so keep them deterministic.
    [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
  }

  static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
  static let ociConfig = "application/vnd.oci.image.config.v1+json"
}

/// Bytes that differ per test, so concurrent tests never share blobs by accident.
func uniqueBytes(_ count: Int) -> [UInt8] {
  var generator = SystemRandomNumberGenerator()
  var bytes = [UInt8](repeating: 0, count: count)
  bytes.withUnsafeMutableBytes { buffer in
    var offset = 0
    while offset < count {
      var word = generator.next()
      let run = min(8, count - offset)
      withUnsafeBytes(of: &word) { buffer[offset..<offset + run].copyBytes(from: $0.prefix(run)) }
      offset += run
    }
  }
  return bytes
}

/// Runs skopeo against a test registry and returns its standard output.
func skopeo(_ arguments: [String]) async throws -> [UInt8] {
  try await runTool("/usr/bin/skopeo", arguments)
}

extension RegistryProcess {
  /// A client configured for this registry (plain HTTP or its CA, and its credentials).
  func client(password overridePassword: String? = nil, retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(200)))
    -> RegistryClient
  {
    var configuration = RegistryConfiguration(retry: retry)
    switch variant {
    case .plainHTTP, .basicAuth: configuration.plainHTTPRegistries = [address]
    case .tls: configuration.tls = TLSConfiguration(caPEM: caPEM)
    }
    if let username, let password = overridePassword ?? password {
      configuration.credentials[address] = RegistryCredentials(username: username, password: password)
    }
    return RegistryClient(configuration: configuration)
  }

  func reference(_ repository: String, tag: String? = nil) -> RegistryReference {
    RegistryReference(registry: address, repository: repository, tag: tag)
  }
}

/// Starts a registry, runs `body`, and stops the registry even when `body` throws.
func withRegistry(_ variant: RegistryProcess.Variant, _ body: (RegistryProcess) async throws -> Void) async throws {
  let registry = try await RegistryProcess.start(variant)
  do {
    try await body(registry)
  } catch {
    await registry.stop()
    throw error
  }
  await registry.stop()
}
