import Crypto
import HTTPClient
import Synchronization

/// A client for the OCI distribution API: push blobs and manifests, read manifests.
///
/// Speaks HTTPS, or plain HTTP to registries in `plainHTTPRegistries`. Handles anonymous
/// access, basic auth and the bearer-token flow (tokens cached per scope until they expire).
/// Retryable failures (transport, 429, 5xx) are retried within a call per `RetryPolicy`;
/// what still fails is thrown as `RegistryError` saying whether the queue should retry.
public final class RegistryClient: Sendable {
  let configuration: RegistryConfiguration
  let http: HTTPClient
  private let authenticators = Mutex<[String: RegistryAuthenticator]>([:])

  /// OCI and Docker manifest and index types, for `Accept`.
  static let manifestMediaTypes = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
  ]

  /// Creates a client that sends through `http`, which should be built with
  /// `configuration.tls`.
  public init(configuration: RegistryConfiguration, http: HTTPClient) {
    self.configuration = configuration
    self.http = http
  }

  /// Creates a client with its own `HTTPClient` using `configuration.tls`.
  public convenience init(configuration: RegistryConfiguration) {
    self.init(configuration: configuration, http: HTTPClient(tls: configuration.tls))
  }

  /// Whether the repository has the blob: `HEAD /v2/<name>/blobs/<digest>`.
  public func blobExists(_ repository: RegistryReference, digest: String) async throws(RegistryError) -> Bool {
    try await blobExists(repository, digest: digest, scope: Self.pullScope(repository), retries: true)
  }

  func blobExists(_ repository: RegistryReference, digest: String, scope: String, retries: Bool)
    async throws(RegistryError) -> Bool
  {
    try Self.checkDigest(digest)
    let response = try await execute(
      repository, doing: "check blob \(digest) in \(Self.name(repository))", scope: scope, expecting: [200, 404],
      retries: retries
    ) { () throws(RegistryError) in
      HTTPClientRequest(method: "HEAD", url: url(repository, "blobs/\(digest)"), timeout: .seconds(60))
    }
    return response.status == 200
  }

  /// Uploads a manifest: `PUT /v2/<name>/manifests/<tag or digest>`. Returns its digest
  /// (sha256 of the bytes), checked against the registry's `Docker-Content-Digest`.
  public func pushManifest(_ reference: RegistryReference, manifest: [UInt8], mediaType: String)
    async throws(RegistryError) -> String
  {
    let target = try Self.manifestTarget(reference, preferTag: true)
    let digest = "sha256:" + SHA256.hexDigest(manifest)
    if let wanted = reference.digest, wanted != digest {
      throw RegistryError(
        code: .digestMismatch, message: "the manifest's digest is \(digest), not \(wanted) as in \(reference)")
    }
    let response = try await execute(
      reference, doing: "push manifest \(reference)", scope: Self.pushScope(reference), expecting: [200, 201, 202]
    ) { () throws(RegistryError) in
      HTTPClientRequest(
        method: "PUT", url: url(reference, "manifests/\(target)"), headers: [("Content-Type", mediaType)],
        body: .bytes(manifest), timeout: .seconds(120))
    }
    if let reported = response.headers["Docker-Content-Digest"], reported.lowercased() != digest {
      throw RegistryError(
        code: .digestMismatch,
        message: "the registry stored manifest \(reference) as \(reported), but its bytes hash to \(digest)")
    }
    return digest
  }

  /// Reads a manifest (or index) by tag or digest, accepting OCI and Docker types. The digest is
  /// computed from the bytes and checked against the reference's digest and the registry's
  /// `Docker-Content-Digest`.
  public func manifest(_ reference: RegistryReference) async throws(RegistryError)
    -> (bytes: [UInt8], mediaType: String, digest: String)
  {
    let target = try Self.manifestTarget(reference, preferTag: false)
    let response = try await execute(
      reference, doing: "read manifest \(reference)", scope: Self.pullScope(reference), expecting: [200]
    ) { () throws(RegistryError) in
      HTTPClientRequest(
        url: url(reference, "manifests/\(target)"),
        headers: [("Accept", Self.manifestMediaTypes.joined(separator: ", "))], timeout: .seconds(120))
    }
    let digest = "sha256:" + SHA256.hexDigest(response.body)
    if let wanted = reference.digest, wanted.hasPrefix("sha256:"), wanted != digest {
      throw RegistryError(
        code: .digestMismatch, message: "manifest \(reference) arrived with digest \(digest)")
    }
    if let reported = response.headers["Docker-Content-Digest"], reported.hasPrefix("sha256:"),
      reported.lowercased() != digest
    {
      throw RegistryError(
        code: .digestMismatch, message: "manifest \(reference): the registry says \(reported), the bytes hash to \(digest)")
    }
    let contentType = response.headers["Content-Type"]?.split(separator: ";").first.map {
      String($0).trimmingCharacters(in: .whitespaces)
    }
    return (response.body, contentType ?? "", digest)
  }

  // MARK: - Shared plumbing

  /// Sends a request built by `build` (called again per attempt, so bodies are fresh) with
  /// authorization, answering 401 challenges once per scheme and retrying retryable failures.
  func execute(
    _ reference: RegistryReference, doing operation: String, scope: String, expecting: Set<Int>,
    retries: Bool = true, build: () throws(RegistryError) -> HTTPClientRequest
  ) async throws(RegistryError) -> HTTPClientResponse {
    let authenticator = authenticator(for: reference.registry)
    let maxAttempts = retries ? configuration.retry.maxAttempts : 1
    var attempt = 0
    var challengesAnswered = 0
    while true {
      attempt += 1
      var request = try build()
      let authorization = try await authenticator.authorization(scope: scope, url: request.url)
      if let authorization { request.headers.append(("Authorization", authorization)) }
      let response: HTTPClientResponse
      do {
        response = try await http.send(request)
      } catch {
        let failure = RegistryError.transport(error, doing: operation)
        guard failure.isRetryable, attempt < maxAttempts else { throw failure }
        try await pause(configuration.retry.delay(afterAttempt: attempt), doing: operation)
        continue
      }
      if response.status == 401, challengesAnswered < 2,
        try await authenticator.respond(
          toChallenges: response.headers.values("WWW-Authenticate"), scope: scope,
          sentAuthorization: authorization)
      {
        challengesAnswered += 1
        attempt -= 1
        continue
      }
      if expecting.contains(response.status) { return response }
      let failure = RegistryError.from(response, doing: operation, scope: scope)
      guard failure.isRetryable, attempt < maxAttempts else { throw failure }
      let delay = failure.retryAfter ?? configuration.retry.delay(afterAttempt: attempt)
      guard delay <= configuration.retry.maxDelay else { throw failure }
      try await pause(delay, doing: operation)
    }
  }

  /// Sleeps between attempts; cancellation ends the call.
  func pause(_ delay: Duration, doing operation: String) async throws(RegistryError) {
    do {
      try await Task.sleep(for: delay)
    } catch {
      throw RegistryError(code: .transport, message: "cancelled while waiting to retry: \(operation)", isRetryable: false)
    }
  }

  private func authenticator(for registry: String) -> RegistryAuthenticator {
    authenticators.withLock { authenticators in
      if let existing = authenticators[registry] { return existing }
      let created = RegistryAuthenticator(
        registry: registry, baseURL: baseURL(registry), credentials: configuration.credentials[registry], http: http)
      authenticators[registry] = created
      return created
    }
  }

  func baseURL(_ registry: String) -> String {
    (configuration.plainHTTPRegistries.contains(registry) ? "http://" : "https://") + registry
  }

  /// `<base>/v2/<name>/<suffix>`.
  func url(_ reference: RegistryReference, _ suffix: String) -> String {
    "\(baseURL(reference.registry))/v2/\(reference.repository)/\(suffix)"
  }

  static func name(_ reference: RegistryReference) -> String { "\(reference.registry)/\(reference.repository)" }
  static func pushScope(_ reference: RegistryReference) -> String { "repository:\(reference.repository):pull,push" }
  static func pullScope(_ reference: RegistryReference) -> String { "repository:\(reference.repository):pull" }

  static func checkDigest(_ digest: String) throws(RegistryError) {
    guard RegistryReference.isValidDigest(digest) else {
      throw RegistryError(code: .configuration, message: "'\(digest)' is not a digest like sha256:<64 hex digits>")
    }
  }

  /// The tag or digest in a manifest URL; pushing prefers the tag (so it gets set), reading the
  /// digest (so it is exact).
  private static func manifestTarget(_ reference: RegistryReference, preferTag: Bool) throws(RegistryError)
    -> String
  {
    if preferTag, let tag = reference.tag { return tag }
    if let digest = reference.digest {
      try checkDigest(digest)
      return digest
    }
    if let tag = reference.tag { return tag }
    throw RegistryError(code: .configuration, message: "\(reference) needs a tag or a digest to name a manifest")
  }
}
