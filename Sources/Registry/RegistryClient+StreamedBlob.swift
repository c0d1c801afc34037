import HTTPClient

/// A blob produced while it is uploaded: its bytes, and its digest once they have all been read.
public struct StreamedBlob: Sendable {
  public var source: any BodySource
  /// `sha256:<hex>` of everything `source` produced; nil until it has been read to the end.
  public var digest: @Sendable () -> String?

  public init(source: any BodySource, digest: @escaping @Sendable () -> String?) {
    self.source = source
    self.digest = digest
  }
}

extension RegistryClient {
  /// Uploads a blob whose digest is known only after its bytes were produced (a layer
  /// compressed on the way): `POST …/blobs/uploads/`, one streaming `PATCH` of unknown length,
  /// then `PUT <location>?digest=` with the digest the source computed. A failure starts the
  /// blob over with a fresh `open()`. Returns the digest, checked against the registry's.
  public func pushStreamedBlob(
    _ repository: RegistryReference, open: @escaping @Sendable () throws -> StreamedBlob
  ) async throws(RegistryError) -> String {
    let scope = Self.pushScope(repository)
    let operation = "stream a blob to \(Self.name(repository))"
    var attempt = 0
    while true {
      attempt += 1
      do throws(RegistryError) {
        return try await streamOnce(repository, scope: scope, open: open)
      } catch {
        guard error.isRetryable, attempt < configuration.retry.maxAttempts else { throw error }
        let delay = error.retryAfter ?? configuration.retry.delay(afterAttempt: attempt)
        guard delay <= configuration.retry.maxDelay else { throw error }
        try await pause(delay, doing: operation)
      }
    }
  }

  private func streamOnce(
    _ repository: RegistryReference, scope: String, open: @Sendable () throws -> StreamedBlob
  ) async throws(RegistryError) -> String {
    let start = url(repository, "blobs/uploads/")
    let started = try await execute(
      repository, doing: "start a streamed upload to \(Self.name(repository))", scope: scope, expecting: [202], retries: false
    ) { () throws(RegistryError) in
      HTTPClientRequest(method: "POST", url: start, timeout: .seconds(60))
    }
    var location = try location(started, requestURL: start, doing: "start a streamed upload")
    let blob: StreamedBlob
    do { blob = try open() } catch {
      throw RegistryError(code: .configuration, message: "cannot produce the blob's bytes: \(error)")
    }
    let uploadURL = location
    let patched = try await execute(
      repository, doing: "stream a blob to \(Self.name(repository))", scope: scope, expecting: [202], retries: false
    ) { () throws(RegistryError) in
      HTTPClientRequest(
        method: "PATCH", url: uploadURL, headers: [("Content-Type", "application/octet-stream")],
        body: .stream(length: nil, source: blob.source))
    }
    location = try self.location(patched, requestURL: uploadURL, doing: "stream a blob")
    guard let digest = blob.digest() else {
      throw RegistryError(code: .invalid, message: "the blob's source ended before producing its digest")
    }
    let finishURL = URLText.appendingQuery(location, "digest", digest)
    let committed = try await execute(
      repository, doing: "finish blob \(digest) in \(Self.name(repository))", scope: scope, expecting: [201], retries: false
    ) { () throws(RegistryError) in
      HTTPClientRequest(method: "PUT", url: finishURL, timeout: .seconds(300))
    }
    if let reported = committed.headers["Docker-Content-Digest"], reported.lowercased() != digest.lowercased() {
      throw RegistryError(code: .digestMismatch, message: "the registry stored the streamed blob \(digest) under \(reported)")
    }
    return digest
  }
}
