import Foundation
import HTTPClient

/// Requests to a running `podhop serve` for the client subcommands.
///
/// A 2xx answer comes back as its status and raw body; anything else becomes a
/// ``ClientError/failed(_:)`` rendered from the problem+json body (`<status> <title>: <detail>`
/// and one line per invalid field). A server that cannot be reached is a failure that names the
/// address and says how to choose another.
struct ClientConnection: Sendable {
  /// A successful answer.
  struct Answer {
    /// The HTTP status (2xx).
    var status: Int
    /// The body as received.
    var body: [UInt8]

    /// The body as a JSON object.
    func object() throws(ClientError) -> [String: Any] {
      guard let value = try? JSONSerialization.jsonObject(with: Data(body)), let object = value as? [String: Any] else {
        throw .failed("the server's answer is not a JSON object")
      }
      return object
    }
  }

  let configuration: ClientConfiguration
  private let client = HTTPClient(maxResponseBytes: 64 << 20, connectTimeout: .seconds(10))

  init(_ configuration: ClientConfiguration) { self.configuration = configuration }

  /// Sends `method path` with an optional JSON `body` and extra `headers`.
  func send(
    _ method: String, _ path: String, json body: [String: Any]? = nil, headers: [(String, String)] = []
  ) async throws(ClientError) -> Answer {
    var fields = [("Authorization", "Bearer \(configuration.token)"), ("Accept", "application/json")] + headers
    var payload = RequestBody.none
    if let body {
      let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
      payload = .bytes(Array(data))
      fields.append(("Content-Type", "application/json"))
    }
    let request = HTTPClientRequest(
      method: method, url: configuration.server + path, headers: fields, body: payload, timeout: .seconds(60))
    let response: HTTPClientResponse
    do {
      response = try await client.send(request)
    } catch {
      throw .failed([
        "cannot reach the podhop server at \(configuration.server): \(error.message)",
        "(choose the server with --server URL or PODHOP_SERVER)",
      ])
    }
    guard (200..<300).contains(response.status) else { throw Self.problem(response) }
    return Answer(status: response.status, body: response.body)
  }

  /// Follows `GET /v1/migrations/{id}/events?follow=true`, handing each event to `onEvent` as
  /// it arrives (on the transfer thread), until the server ends the stream. Returns the last
  /// event id seen, for resuming with `Last-Event-ID`.
  func followEvents(
    _ id: String, after lastEventID: String?, onEvent: @escaping @Sendable (ServerSentEvent) -> Void
  ) async throws(ClientError) -> String? {
    var fields = [("Authorization", "Bearer \(configuration.token)"), ("Accept", "text/event-stream")]
    if let lastEventID { fields.append(("Last-Event-ID", lastEventID)) }
    // No overall timeout: the stream lasts as long as the job; keep-alive comments keep it busy.
    let request = HTTPClientRequest(url: configuration.server + "/v1/migrations/\(id)/events?follow=true", headers: fields)
    let parser = ServerSentEventParser()
    let response: HTTPClientResponse
    do {
      response = try await client.stream(request) { bytes in
        for event in parser.feed(bytes) { onEvent(event) }
        return true
      }
    } catch {
      throw .failed([
        "cannot follow the events of job \(id) at \(configuration.server): \(error.message)",
        "(choose the server with --server URL or PODHOP_SERVER)",
      ])
    }
    guard (200..<300).contains(response.status) else { throw Self.problem(response) }
    return parser.lastEventID ?? lastEventID
  }

  /// The failure for a non-2xx response: its problem+json rendered, or the status and body text.
  static func problem(_ response: HTTPClientResponse) -> ClientError {
    guard let value = try? JSONSerialization.jsonObject(with: Data(response.body)),
      let problem = value as? [String: Any]
    else {
      let text = String(decoding: response.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      return .failed("\(response.status) \(text.isEmpty ? "(no body)" : text)")
    }
    let title = problem["title"] as? String ?? "error"
    var head = "\(problem["status"] as? Int ?? response.status) \(title)"
    if let detail = problem["detail"] as? String, !detail.isEmpty { head += ": \(detail)" }
    var lines = [head]
    for error in problem["errors"] as? [[String: Any]] ?? [] {
      lines.append("  \(error["field"] as? String ?? "?"): \(error["message"] as? String ?? "")")
    }
    if let active = problem["activeMigration"] as? String { lines.append("  active migration: \(active)") }
    return .failed(lines)
  }
}
