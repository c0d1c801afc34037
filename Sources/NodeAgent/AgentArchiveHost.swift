import Core
import HTTPClient
import Stages

/// The archives of each node, reached through that node's agent: the controller's side of
/// `podhop agent`. Publishing starts (or joins, by migration id) the agent's publication and
/// polls it until it ends; a cancelled stage cancels the agent's upload.
public struct AgentArchiveHost: CheckpointArchiveHost {
  let discovery: AgentDiscovery
  let scheme: String
  let token: String
  let http: HTTPClient
  let logger: Logger
  /// First poll interval of a running publication; it doubles up to `maxPollInterval`.
  var pollInterval: Duration = .milliseconds(200)
  var maxPollInterval: Duration = .seconds(2)

  /// - Parameters:
  ///   - scheme: `https` when the agents serve TLS (then `http` trusts their CA), else `http`.
  ///   - token: the agent token.
  public init(discovery: AgentDiscovery, scheme: String, token: String, http: HTTPClient, logger: Logger) {
    self.discovery = discovery
    self.scheme = scheme
    self.token = token
    self.http = http
    self.logger = logger
  }

  func client(_ node: String) async throws -> AgentClient {
    AgentClient(baseURL: "\(scheme)://\(try await discovery.address(of: node))", token: token, http: http)
  }

  public func size(of file: String, node: String) async throws -> Int64 {
    let archives = try await mapped(node, "listing archives") { try await client(node).archives() }
    guard let archive = archives.first(where: { $0.name == file }) else {
      throw StageError.terminal(
        "the kubelet wrote \(file) on node \(node), but that node's agent does not see it: does the agent mount the "
          + "kubelet's checkpoint directory (--checkpoint-dir)?")
    }
    return archive.sizeBytes
  }

  public func inspect(_ file: String, node: String) async throws -> ArchiveInspection {
    try await mapped(node, "inspecting \(file)") { try await client(node).inspect(file) }
  }

  public func delete(_ file: String, node: String) async throws {
    try await mapped(node, "deleting \(file)") { try await client(node).deleteArchive(file) }
  }

  public func publish(_ file: String, node: String, _ publication: PublicationRequest, progress: StageProgress)
    async throws -> String
  {
    let agent = try await client(node)
    let id = publication.migrationID
    var status: PublicationStatus
    var interval = pollInterval
    do {
      status = try await mapped(node, "starting the publication") { try await agent.startPublication(publication) }
      while status.state == .running {
        try await Task.sleep(for: interval)
        interval = min(interval * 2, maxPollInterval)
        guard let next = try await mapped(node, "reading the publication", { try await agent.publication(id) }) else {
          throw StageError.retryable("the node agent on \(node) no longer knows publication \(id) (did it restart?)")
        }
        status = next
        progress.report(bytesDone: status.bytesDone, bytesTotal: status.bytesTotal > 0 ? status.bytesTotal : nil)
      }
    } catch is CancellationError {
      // This task is cancelled, so its own requests would be refused: a detached task, awaited
      // here, tells the agent to stop the upload.
      await Task.detached { try? await agent.cancelPublication(id) }.value
      throw CancellationError()
    }
    switch status.state {
    case .succeeded:
      guard let digest = status.manifestDigest else {
        throw StageError.retryable("the node agent on \(node) reported publication \(id) done without a digest")
      }
      return digest
    case .failed, .running:
      let failure = status.error ?? .init(message: "the publication failed", retryable: true)
      let message = "on node \(node): \(failure.message)"
      throw failure.retryable ? StageError.retryable(message) : StageError.terminal(message)
    }
  }

  /// Runs `call`, turning agent errors into stage errors.
  private func mapped<T>(_ node: String, _ action: String, _ call: () async throws -> T) async throws -> T {
    do {
      return try await call()
    } catch let error as AgentError {
      let message = "node agent on \(node), \(action): \(error)"
      switch error.status {
      case 401, 403:
        throw StageError.terminal(
          "\(message) (the controller's --agent-token-file must hold the token the agents read from --token-file)")
      default:
        throw error.isRetryable ? StageError.retryable(message) : StageError.terminal(message)
      }
    }
  }
}
