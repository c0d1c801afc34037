import HTTPClient

extension RegistryClient {
  /// Where a broken upload may continue: the last upload URL the registry gave.
  private struct UploadSession {
    var location: String
  }

  private enum ResumeOutcome {
    case completed
    case startOver
  }

  /// Uploads a blob unless the repository already has it.
  ///
  /// `HEAD` first (skip when present); otherwise `POST …/blobs/uploads/` and one streaming
  /// monolithic `PUT <location>?digest=` (relative `Location`s and ones with their own query
  /// are handled). When the connection breaks, the next attempt asks the upload URL for its
  /// `Range`; if the registry kept a prefix it continues with `PATCH` from that offset and
  /// finishes with an empty `PUT`, otherwise it starts the blob over. The registry's
  /// `Docker-Content-Digest` must match `blob.digest`.
  ///
  /// - Parameter progress: called on the transfer thread with the number of bytes of the blob
  ///   sent so far (absolute, so a resumed upload starts above zero); with `blob.size` when the
  ///   blob was already present.
  public func pushBlob(
    _ repository: RegistryReference, _ blob: BlobUpload, progress: (@Sendable (Int64) -> Void)?
  ) async throws(RegistryError) {
    try Self.checkDigest(blob.digest)
    let scope = Self.pushScope(repository)
    let operation = "push blob \(blob.digest) to \(Self.name(repository))"
    var session: UploadSession?
    var attempt = 0
    while true {
      attempt += 1
      do throws(RegistryError) {
        if try await blobExists(repository, digest: blob.digest, scope: scope, retries: false) {
          progress?(blob.size)
          return
        }
        if let previous = session {
          session = nil
          if try await resume(repository, blob, at: previous, session: &session, progress: progress) == .completed {
            return
          }
        }
        let location = try await startUpload(repository, blob)
        session = UploadSession(location: location)
        try await putWhole(repository, blob, location: location, progress: progress)
        return
      } catch {
        guard error.isRetryable, attempt < configuration.retry.maxAttempts else { throw error }
        let delay = error.retryAfter ?? configuration.retry.delay(afterAttempt: attempt)
        guard delay <= configuration.retry.maxDelay else { throw error }
        try await pause(delay, doing: operation)
      }
    }
  }

  /// `POST /v2/<name>/blobs/uploads/` → the absolute upload URL.
  private func startUpload(_ repository: RegistryReference, _ blob: BlobUpload) async throws(RegistryError) -> String {
    let requestURL = url(repository, "blobs/uploads/")
    let response = try await execute(
      repository, doing: "start uploading blob \(blob.digest) to \(Self.name(repository))",
      scope: Self.pushScope(repository), expecting: [202], retries: false
    ) { () throws(RegistryError) in
      HTTPClientRequest(method: "POST", url: requestURL, timeout: .seconds(60))
    }
    return try location(response, requestURL: requestURL, doing: "start uploading blob \(blob.digest)")
  }

  /// Monolithic `PUT <location>&digest=` streaming the whole blob.
  private func putWhole(
    _ repository: RegistryReference, _ blob: BlobUpload, location: String, progress: (@Sendable (Int64) -> Void)?
  ) async throws(RegistryError) {
    let response = try await execute(
      repository, doing: "upload blob \(blob.digest) to \(Self.name(repository))", scope: Self.pushScope(repository),
      expecting: [201], retries: false
    ) { () throws(RegistryError) in
      let source = UploadSource(try open(blob), progress: progress)
      return HTTPClientRequest(
        method: "PUT", url: URLText.appendingQuery(location, "digest", blob.digest),
        headers: [("Content-Type", "application/octet-stream")], body: .stream(length: blob.size, source: source))
    }
    try verifyDigest(response, blob)
  }

  /// Asks the upload URL how much the registry kept and continues from there with `PATCH`.
  private func resume(
    _ repository: RegistryReference, _ blob: BlobUpload, at previous: UploadSession, session: inout UploadSession?,
    progress: (@Sendable (Int64) -> Void)?
  ) async throws(RegistryError) -> ResumeOutcome {
    let scope = Self.pushScope(repository)
    let status: HTTPClientResponse
    do {
      status = try await execute(
        repository, doing: "check the upload of blob \(blob.digest)", scope: scope, expecting: [204, 200],
        retries: false
      ) { () throws(RegistryError) in
        HTTPClientRequest(url: previous.location, timeout: .seconds(60))
      }
    } catch  where !error.isRetryable {
      return .startOver  // the registry forgot or invalidated the upload
    }
    guard let range = status.headers["Range"], let offset = Self.nextOffset(range), offset > 0,
      offset <= blob.size
    else { return .startOver }
    var location = previous.location
    if let given = status.headers["Location"] { location = URLText.resolve(given, against: previous.location) }
    if offset < blob.size {
      session = UploadSession(location: location)
      let patched: HTTPClientResponse
      do {
        patched = try await execute(
          repository, doing: "resume blob \(blob.digest) at byte \(offset)", scope: scope, expecting: [202],
          retries: false
        ) { () throws(RegistryError) in
          let source = UploadSource(try open(blob), skip: offset, progress: progress)
          return HTTPClientRequest(
            method: "PATCH", url: location,
            headers: [("Content-Type", "application/octet-stream"), ("Content-Range", "\(offset)-\(blob.size - 1)")],
            body: .stream(length: blob.size - offset, source: source))
        }
      } catch  where !error.isRetryable {
        return .startOver  // e.g. 416: the registry does not take this range
      }
      location = try self.location(patched, requestURL: location, doing: "resume blob \(blob.digest)")
      session = UploadSession(location: location)
    }
    do {
      let committed = try await execute(
        repository, doing: "finish blob \(blob.digest)", scope: scope, expecting: [201], retries: false
      ) { () throws(RegistryError) in
        HTTPClientRequest(method: "PUT", url: URLText.appendingQuery(location, "digest", blob.digest), timeout: .seconds(300))
      }
      try verifyDigest(committed, blob)
    } catch  where error.code == .digestMismatch {
      // The registry reported a kept prefix but then rejected the finished upload's digest.
      // Observed with Debian's docker-registry 2.8 killed mid-upload: it keeps the bytes but
      // (apparently) no hash state for them. The bytes are still ours; upload them whole.
      session = nil
      return .startOver
    }
    return .completed
  }

  /// `Range: 0-<last>` → `last + 1`.
  static func nextOffset(_ range: String) -> Int64? {
    let parts = range.trimmingPrefix("bytes=").split(separator: "-")
    guard parts.count == 2, parts[0] == "0", let last = Int64(parts[1]) else { return nil }
    return last + 1
  }

  func location(_ response: HTTPClientResponse, requestURL: String, doing operation: String)
    throws(RegistryError) -> String
  {
    guard let location = response.headers["Location"], !location.isEmpty else {
      throw RegistryError(code: .invalid, message: "the registry gave no upload Location to \(operation)")
    }
    return URLText.resolve(location, against: requestURL)
  }

  private func verifyDigest(_ response: HTTPClientResponse, _ blob: BlobUpload) throws(RegistryError) {
    if let reported = response.headers["Docker-Content-Digest"], reported.lowercased() != blob.digest.lowercased() {
      throw RegistryError(
        code: .digestMismatch, message: "the registry stored blob \(blob.digest) under digest \(reported)")
    }
  }

  private func open(_ blob: BlobUpload) throws(RegistryError) -> any BodySource {
    do {
      return try blob.open()
    } catch {
      throw RegistryError(code: .configuration, message: "cannot open the bytes of blob \(blob.digest): \(error)")
    }
  }
}
