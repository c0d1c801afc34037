import API
import Core
import Foundation
import HTTPServer
import Storage
import TestSupport

/// A live API on 127.0.0.1 (port 0) over a fresh database, with one token per role.
final class APIHarness: Sendable {
  static let readerToken = "reader-token-0123456789"
  static let operatorToken = "operator-token-0123456789"
  static let adminToken = "admin-token-0123456789"

  let directory: TemporaryDirectory
  let store: JobStore
  let api: APIHandler
  let server: HTTPServer
  let metrics = MetricsRegistry()

  init(
    rateLimit: Double = 0, burst: Double = 1, maxBodyBytes: Int = 1 << 20, hooks: HookFile = .none,
    configure: (inout APIHandler.Configuration) -> Void = { _ in }
  ) async throws {
    directory = try TemporaryDirectory()
    store = try JobStore(path: directory.file("podhop.db"))
    let tokens = try TokenFile(
      contents: """
        # name role token
        rita reader \(Self.readerToken)
        otto operator \(Self.operatorToken)
        ada admin \(Self.adminToken)
        """)
    var configuration = APIHandler.Configuration()
    configuration.rateLimitPerSecond = rateLimit
    configuration.rateLimitBurst = burst
    configuration.maxBodyBytes = maxBodyBytes
    configure(&configuration)
    api = APIHandler(
      store: store, pool: nil, tokens: tokens, configuration: configuration, logger: Logger(minimum: .error) { _ in },
      metrics: metrics, hooks: hooks)
    var http = HTTPServerConfiguration()
    http.port = 0
    http.maxBodyBytes = maxBodyBytes
    let api = self.api
    server = HTTPServer(
      configuration: http, immediate: { api.handleNow($0) }, handler: { await api.handle($0) },
      rejection: { api.rejection($0, $1) })
    try server.start()
  }

  func stop() async {
    await server.shutdown(deadline: .seconds(2))
    store.close()
    directory.remove()
  }

  /// Sends a request with an optional bearer token and JSON body.
  func send(
    _ method: String, _ target: String, token: String? = APIHarness.operatorToken, json: String? = nil,
    headers: [(String, String)] = []
  ) async throws -> RawHTTPResponse {
    var all = headers
    if let token { all.append(("Authorization", "Bearer \(token)")) }
    if json != nil && !all.contains(where: { $0.0 == "Content-Type" }) { all.append(("Content-Type", "application/json")) }
    return try await RawHTTPClient.request(port: server.port, method, target, headers: all, body: Array((json ?? "").utf8))
  }

  /// Opens `GET /v1/migrations/{id}/events?follow=true` as the reader and returns the
  /// connection, for reading the stream raw.
  func openStream(_ id: String, headers: [(String, String)] = []) async throws -> RawHTTPClient {
    let client = try await RawHTTPClient.connect(port: server.port)
    let all = [("Authorization", "Bearer \(Self.readerToken)"), ("Connection", "close")] + headers
    try await client.send(RawHTTPClient.head("GET", "/v1/migrations/\(id)/events?follow=true", headers: all, bodyLength: 0))
    return client
  }

  /// Creates a migration for `pod` and returns its JSON object.
  func create(pod: String = "counter", labels: String = "{}") async throws -> [String: Any] {
    let response = try await send(
      "POST", "/v1/migrations",
      json: #"{"source":{"namespace":"default","pod":"\#(pod)"},"targetNode":"node-b","labels":\#(labels)}"#)
    guard response.status == 202 else {
      throw RawHTTPClientError(description: "create answered \(response.status): \(response.text)")
    }
    return try response.object()
  }
}

extension RawHTTPResponse {
  /// The body as a JSON object.
  func object() throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
      throw RawHTTPClientError(description: "not a JSON object: \(text)")
    }
    return object
  }
}
