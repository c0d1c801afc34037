import Foundation
import HTTPClient
import Registry
import TestSupport
import Testing

@Suite("Registry failures and retries")
struct RegistryFaultTests {
  private func client(_ fake: FakeRegistry, attempts: Int = 4) -> RegistryClient {
    RegistryClient(
      configuration: RegistryConfiguration(
        plainHTTPRegistries: [fake.address], retry: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(20))))
  }

  @Test("503s with Retry-After: 0 are retried until the registry recovers")
  func retriesUnavailable() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    defer { Task { await fake.stop() } }
    fake.failNext(2, pathContains: "/blobs/uploads/", status: 503, headers: [("Retry-After", "0")])
    let layer = MemoryBlob(uniqueBytes(5000))
    let repository = RegistryReference(registry: fake.address, repository: "team/app")
    try await client(fake).pushBlob(repository, layer.upload, progress: nil)
    #expect(fake.requests.filter { $0.method == "POST" }.count == 3)
  }

  @Test("429 with a long Retry-After ends the call at once, retryable, carrying the delay")
  func rateLimited() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    defer { Task { await fake.stop() } }
    fake.failNext(
      1, pathContains: "/manifests/", status: 429, headers: [("Retry-After", "120")],
      body: #"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down","detail":null}]}"#)
    let started = ContinuousClock.now
    let error = await #expect(throws: RegistryError.self) {
      try await client(fake).manifest(RegistryReference(registry: fake.address, repository: "team/app", tag: "v1"))
    }
    #expect(error?.code == .rateLimited)
    #expect(error?.isRetryable == true)
    #expect(error?.retryAfter == .seconds(120))
    #expect(error?.message.contains("TOOMANYREQUESTS: slow down") == true)
    #expect(ContinuousClock.now - started < .seconds(60))  // not the 120 s Retry-After: handed back at once
  }

  @Test("persistent 5xx gives up after maxAttempts with a retryable error")
  func givesUp() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    defer { Task { await fake.stop() } }
    fake.failNext(10, pathContains: "/manifests/", status: 502)
    let error = await #expect(throws: RegistryError.self) {
      try await client(fake, attempts: 3).manifest(
        RegistryReference(registry: fake.address, repository: "team/app", tag: "v1"))
    }
    #expect(error?.code == .unavailable)
    #expect(error?.isRetryable == true)
    #expect(fake.requests.count == 3)
  }

  @Test("the registry's error JSON becomes a readable message with code, message and detail")
  func readableErrors() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    defer { Task { await fake.stop() } }
    fake.failNext(
      1, pathContains: "/manifests/", status: 400,
      body: #"{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{"reason":"bad layer"}}]}"#)
    let error = await #expect(throws: RegistryError.self) {
      try await client(fake).pushManifest(
        RegistryReference(registry: fake.address, repository: "team/app", tag: "v1"), manifest: Array("{}".utf8),
        mediaType: Image.ociManifest)
    }
    #expect(error?.code == .invalid)
    #expect(error?.isRetryable == false)
    #expect(error?.message.contains("MANIFEST_INVALID: manifest invalid ({\"reason\":\"bad layer\"})") == true)
    #expect(error?.message.contains("team/app:v1") == true)
  }

  @Test("a broken upload resumes: GET the upload's Range, PATCH the rest from that offset, empty PUT")
  func resumesWithPatch() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    defer { Task { await fake.stop() } }
    let layer = MemoryBlob(uniqueBytes(300_000))
    fake.breakNextPut(keeping: 123_457)
    let progress = ProgressLog()
    try await client(fake).pushBlob(
      RegistryReference(registry: fake.address, repository: "team/app"), layer.upload,
      progress: { progress.record($0) })
    let methods = fake.requests.map(\.method)
    #expect(methods.filter { $0 == "PATCH" }.count == 1)
    #expect(methods.filter { $0 == "POST" }.count == 1)
    #expect(methods.filter { $0 == "GET" }.count == 1)
    #expect(layer.openCount == 2)
    // The resumed request reports absolute offsets, starting above the kept prefix.
    #expect(progress.values.last == 300_000)
    #expect(progress.values.contains { $0 > 123_457 && $0 < 300_000 } || progress.values.last == 300_000)
  }

  @Test("a relative Location with its own query gets &digest= appended")
  func relativeLocation() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    defer { Task { await fake.stop() } }
    let layer = MemoryBlob(uniqueBytes(1000))
    try await client(fake).pushBlob(
      RegistryReference(registry: fake.address, repository: "team/app"), layer.upload, progress: nil)
    // The fake only accepts the PUT when both _state and digest arrived as query arguments.
    #expect(fake.requests.contains { $0.method == "PUT" && $0.path.contains("/blobs/uploads/") })
  }

  @Test("an unreachable registry is a retryable .transport error after the retries")
  func unreachable() async throws {
    let fake = try FakeRegistry.start(requireBearer: false)
    let address = fake.address
    await fake.stop()
    let client = RegistryClient(
      configuration: RegistryConfiguration(
        plainHTTPRegistries: [address], retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))))
    let error = await #expect(throws: RegistryError.self) {
      try await client.blobExists(
        RegistryReference(registry: address, repository: "team/app"), digest: "sha256:" + String(repeating: "a", count: 64))
    }
    #expect(error?.code == .transport)
    #expect(error?.isRetryable == true)
  }
}
