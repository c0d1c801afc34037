import Foundation
import HTTPClient
import Stages

/// Why a call to a node agent failed.
public struct AgentError: Error, CustomStringConvertible, Sendable {
  /// The HTTP status the agent answered with; nil when no answer arrived.
  public let status: Int?
  /// The agent's problem `detail`, or the transport failure.
  public let message: String
  /// Whether the same call may succeed later: no answer (transport), 429 and 5xx.
  public let isRetryable: Bool

  public var description: String { status.map { "agent answered \($0): \(message)" } ?? message }
}

/// The controller's client for one node agent (`podhop agent`), at `baseURL`.
public struct AgentClient: Sendable {
  let baseURL: String
  let token: String
  let http: HTTPClient

  /// - Parameters:
  ///   - baseURL: `http(s)://host:port` of the agent pod.
  ///   - token: the agent token, sent as a bearer token; never logged.
  public init(baseURL: String, token: String, http: HTTPClient) {
    self.baseURL = baseURL
    self.token = token
    self.http = http
  }

  /// `GET /v1/archives`.
  public func archives() async throws -> [StoredArchive] {
    try decode(ArchiveList.self, try await call("GET", "/v1/archives", expecting: [200])).items
  }

  /// `POST /v1/archives/{file}/inspect`.
  public func inspect(_ file: String) async throws -> ArchiveInspection {
    try decode(ArchiveInspection.self, try await call("POST", "/v1/archives/\(file)/inspect", expecting: [200]))
  }

  /// `DELETE /v1/archives/{file}`; an archive already gone counts as deleted.
  public func deleteArchive(_ file: String) async throws {
    _ = try await call("DELETE", "/v1/archives/\(file)", expecting: [204, 404])
  }

  /// `POST /v1/publications`: the migration's publication, started now or already there.
  public func startPublication(_ request: PublicationRequest) async throws -> PublicationStatus {
    let body = try JSONEncoder().encode(request)
    return try decode(
      PublicationStatus.self, try await call("POST", "/v1/publications", body: Array(body), expecting: [200, 202]))
  }

  /// `GET /v1/publications/{id}`; nil when the agent has none (it restarted, or it was cancelled).
  public func publication(_ id: String) async throws -> PublicationStatus? {
    let response = try await call("GET", "/v1/publications/\(id)", expecting: [200, 404])
    return response.status == 404 ? nil : try decode(PublicationStatus.self, response)
  }

  /// `DELETE /v1/publications/{id}`: stops the upload.
  public func cancelPublication(_ id: String) async throws {
    _ = try await call("DELETE", "/v1/publications/\(id)", expecting: [204, 404])
  }

  private func call(_ method: String, _ path: String, body: [UInt8]? = nil, expecting: Set<Int>) async throws
    -> HTTPClientResponse
  {
    var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
    if body != nil { headers.append(("Content-Type", "application/json")) }
    let request = HTTPClientRequest(
      method: method, url: baseURL + path, headers: headers, body: body.map { .bytes($0) } ?? .none, timeout: .seconds(30))
    let response: HTTPClientResponse
    do { response = try await http.send(request) } catch {
      if error.code == .cancelled { throw CancellationError() }
      throw AgentError(
        status: nil, message: "cannot reach the node agent at \(baseURL): \(error)", isRetryable: error.isRetryable)
    }
    guard expecting.contains(response.status) else {
      let detail =
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["detail"] as? String
        ?? String(decoding: response.body.prefix(300), as: UTF8.self)
      throw AgentError(
        status: response.status, message: "\(method) \(path): \(detail)",
        isRetryable: response.status == 429 || response.status >= 500)
    }
    return response
  }

  private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    do { return try decoder.decode(type, from: Data(response.body)) } catch {
      throw AgentError(status: response.status, message: "the agent's answer is not a \(type)", isRetryable: false)
    }
  }
}
