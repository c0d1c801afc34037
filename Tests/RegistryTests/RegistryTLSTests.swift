import Foundation
import HTTPClient
import Registry
import TestSupport
import Testing

@Suite("Registry over TLS")
struct RegistryTLSTests {
  @Test("docker-registry with a private CA: works with the CA, fails without it")
  func privateCA() async throws {
    try await withRegistry(.tls) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/tls", tag: "v1")
      let layer = MemoryBlob(uniqueBytes(100_000))
      let config = MemoryBlob(Image.config(diffID: layer.digest), mediaType: Image.ociConfig)
      try await client.pushBlob(repository, layer.upload, progress: nil)
      try await client.pushBlob(repository, config.upload, progress: nil)
      let manifest = Image.manifest(config: config, layers: [layer], annotations: ["k": "v"])
      let digest = try await client.pushManifest(repository, manifest: manifest, mediaType: Image.ociManifest)
      #expect(try await client.manifest(repository).digest == digest)

      let untrusted = RegistryClient(configuration: RegistryConfiguration())
      let error = await #expect(throws: RegistryError.self) { try await untrusted.manifest(repository) }
      #expect(error?.code == .transport)
      #expect(error?.isRetryable == false)
      #expect(error?.message.contains("TLS") == true)
    }
  }

  @Test("plain HTTP is only used for registries listed as plain HTTP")
  func httpsByDefault() async throws {
    try await withRegistry(.plainHTTP) { registry in
      // Not listed: the client speaks TLS to a plain-HTTP port and fails.
      let client = RegistryClient(configuration: RegistryConfiguration())
      let error = await #expect(throws: RegistryError.self) {
        try await client.manifest(registry.reference("podhop/x", tag: "v1"))
      }
      #expect(error?.code == .transport)
    }
  }
}
