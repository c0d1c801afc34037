import Foundation
import HTTPClient
import Registry
import TestSupport
import Testing

@Suite("Registry authentication")
struct RegistryAuthTests {
  @Test("basic auth against docker-registry's htpasswd: pushes work and skopeo sees the manifest")
  func basicAuth() async throws {
    try await withRegistry(.basicAuth) { registry in
      let client = registry.client()
      let repository = registry.reference("podhop/private", tag: "v1")
      let layer = MemoryBlob(uniqueBytes(10_000))
      let config = MemoryBlob(Image.config(diffID: layer.digest), mediaType: Image.ociConfig)
      try await client.pushBlob(repository, layer.upload, progress: nil)
      try await client.pushBlob(repository, config.upload, progress: nil)
      let manifest = Image.manifest(config: config, layers: [layer], annotations: ["a": "b"])
      _ = try await client.pushManifest(repository, manifest: manifest, mediaType: Image.ociManifest)
      let raw = try await skopeo([
        "inspect", "--raw", "--tls-verify=false", "--creds", "\(registry.username!):\(registry.password!)",
        "docker://\(repository)",
      ])
      #expect(raw == manifest)
    }
  }

  @Test("a wrong password is .unauthorized, terminal, names repository and scope, and hides the password")
  func wrongPassword() async throws {
    try await withRegistry(.basicAuth) { registry in
      let wrong = "definitely-wrong-password-42"
      let client = registry.client(password: wrong)
      let repository = registry.reference("podhop/private")
      let error = await #expect(throws: RegistryError.self) {
        try await client.pushBlob(repository, MemoryBlob(uniqueBytes(100)).upload, progress: nil)
      }
      #expect(error?.code == .unauthorized)
      #expect(error?.isRetryable == false)
      #expect(error?.message.contains("podhop/private") == true)
      #expect(error?.message.contains("repository:podhop/private:pull,push") == true)
      #expect(error?.message.contains(wrong) == false)
      #expect(error?.description.contains(wrong) == false)
    }
  }

  @Test("no credentials for a protected registry is .unauthorized")
  func anonymousRefused() async throws {
    try await withRegistry(.basicAuth) { registry in
      let client = RegistryClient(configuration: RegistryConfiguration(plainHTTPRegistries: [registry.address]))
      let error = await #expect(throws: RegistryError.self) {
        try await client.manifest(registry.reference("podhop/private", tag: "v1"))
      }
      #expect(error?.code == .unauthorized)
    }
  }

  @Test("bearer flow: one token per scope fetched with basic credentials, sent on every request")
  func bearerFlow() async throws {
    let fake = try FakeRegistry.start()
    defer { Task { await fake.stop() } }
    let client = fakeClient(fake, credentials: RegistryCredentials(username: fake.username, password: fake.password))
    let repository = RegistryReference(registry: fake.address, repository: "team/app", tag: "v1")
    let layer = MemoryBlob(uniqueBytes(200_000))
    try await client.pushBlob(repository, layer.upload, progress: nil)
    let manifest = Array("{\"schemaVersion\":2}".utf8)
    let digest = try await client.pushManifest(repository, manifest: manifest, mediaType: Image.ociManifest)
    #expect(try await client.blobExists(repository, digest: layer.digest))

    let tokenRequests = fake.tokenRequests
    // pull,push for the pushes; the pull-only scope for blobExists.
    #expect(tokenRequests.count == 2)
    #expect(tokenRequests.first?.scopes == ["repository:team/app:pull,push"])
    #expect(tokenRequests.first?.service == "fake-registry")
    #expect(tokenRequests.allSatisfy { $0.authorization?.hasPrefix("Basic ") == true })
    let requests = fake.requests
    // Only the very first request went without a token.
    #expect(requests.filter { $0.authorization == nil }.count == 1)
    #expect(requests.dropFirst().allSatisfy { $0.authorization?.hasPrefix("Bearer tok-") == true })
    #expect(digest.hasPrefix("sha256:"))
  }

  @Test("a token the registry stops accepting is replaced after the 401")
  func tokenRefreshOn401() async throws {
    let fake = try FakeRegistry.start()
    defer { Task { await fake.stop() } }
    let client = fakeClient(fake, credentials: RegistryCredentials(username: fake.username, password: fake.password))
    let repository = RegistryReference(registry: fake.address, repository: "team/app", tag: "v1")
    _ = try await client.pushManifest(repository, manifest: Array("{}".utf8), mediaType: Image.ociManifest)
    fake.revokeTokens()
    _ = try await client.pushManifest(repository, manifest: Array("{\"x\":1}".utf8), mediaType: Image.ociManifest)
    #expect(fake.tokenRequests.count == 2)
  }

  @Test("an expired token is refreshed before use, without a 401")
  func tokenExpiry() async throws {
    let fake = try FakeRegistry.start(tokenLifetime: 1)
    defer { Task { await fake.stop() } }
    let client = fakeClient(fake, credentials: RegistryCredentials(username: fake.username, password: fake.password))
    let repository = RegistryReference(registry: fake.address, repository: "team/app", tag: "v1")
    _ = try await client.pushManifest(repository, manifest: Array("{}".utf8), mediaType: Image.ociManifest)
    let unauthorizedBefore = fake.requests.filter { $0.authorization == nil }.count
    // Real time has to pass for a real expiry; 1.2 s is the token's 1 s lifetime plus margin.
    try await Task.sleep(for: .milliseconds(1200))
    _ = try await client.pushManifest(repository, manifest: Array("{}".utf8), mediaType: Image.ociManifest)
    #expect(fake.tokenRequests.count == 2)
    #expect(fake.requests.filter { $0.authorization == nil }.count == unauthorizedBefore)
  }

  @Test("an identity token is exchanged with a refresh_token grant")
  func identityToken() async throws {
    let fake = try FakeRegistry.start()
    defer { Task { await fake.stop() } }
    let client = fakeClient(fake, credentials: RegistryCredentials(identityToken: "identity-abc"))
    let repository = RegistryReference(registry: fake.address, repository: "team/app", tag: "v1")
    _ = try await client.pushManifest(repository, manifest: Array("{}".utf8), mediaType: Image.ociManifest)
    #expect(fake.tokenRequests.first?.method == "POST")
    #expect(fake.tokenRequests.first?.form.contains("grant_type=refresh_token") == true)
  }

  @Test("the token server refusing the credentials is .unauthorized without the password")
  func tokenServerRefuses() async throws {
    let fake = try FakeRegistry.start()
    defer { Task { await fake.stop() } }
    let client = fakeClient(fake, credentials: RegistryCredentials(username: fake.username, password: "nope-pw-123"))
    let error = await #expect(throws: RegistryError.self) {
      try await client.manifest(RegistryReference(registry: fake.address, repository: "team/app", tag: "v1"))
    }
    #expect(error?.code == .unauthorized)
    #expect(error?.isRetryable == false)
    #expect(error?.message.contains("nope-pw-123") == false)
    #expect(error?.message.contains("repository:team/app:pull") == true)
  }

  private func fakeClient(_ fake: FakeRegistry, credentials: RegistryCredentials?) -> RegistryClient {
    var configuration = RegistryConfiguration(
      plainHTTPRegistries: [fake.address], retry: RetryPolicy(baseDelay: .milliseconds(50)))
    configuration.credentials[fake.address] = credentials
    return RegistryClient(configuration: configuration)
  }
}
