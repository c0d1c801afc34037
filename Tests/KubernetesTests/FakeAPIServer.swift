import Foundation
import HTTPServer
import Kubernetes
import Synchronization

/// An HTTP server on 127.0.0.1 that answers like an API server or kubelet (through `respond`)
/// and records every request it received.
final class FakeAPIServer: Sendable {
  private let server: HTTPServer
  private let recorder: Recorder

  /// The requests received so far, in arrival order.
  var requests: [HTTPRequest] { recorder.requests.withLock { $0 } }
  /// `http(s)://127.0.0.1:PORT`.
  let url: String

  private final class Recorder: Sendable {
    let requests = Mutex<[HTTPRequest]>([])
  }

  private init(server: HTTPServer, recorder: Recorder, url: String) {
    self.server = server
    self.recorder = recorder
    self.url = url
  }

  /// Starts a server on an ephemeral port, runs `body`, and shuts the server down even when
  /// `body` throws.
  static func with<T>(
    tls: TLSCredentials? = nil, respond: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
    _ body: (FakeAPIServer) async throws -> T
  ) async throws -> T {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.connectionTimeoutSeconds = 10
    configuration.tls = tls
    let recorder = Recorder()
    let server = HTTPServer(
      configuration: configuration,
      handler: { request in
        recorder.requests.withLock { $0.append(request) }
        return respond(request)
      },
      rejection: { _, _ in HTTPResponse(status: 400) })
    try server.start()
    let fake = FakeAPIServer(
      server: server, recorder: recorder, url: "\(tls == nil ? "http" : "https")://127.0.0.1:\(server.port)")
    do {
      let result = try await body(fake)
      await server.shutdown(deadline: .seconds(2))
      return result
    } catch {
      await server.shutdown(deadline: .seconds(2))
      throw error
    }
  }

  /// A JSON response.
  static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponse {
    HTTPResponse(
      status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers), body: value.bytes)
  }

  /// A plain-text response, as the kubelet sends its errors.
  static func text(_ text: String, status: Int) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]), body: Array(text.utf8))
  }

  /// A Kubernetes `Status` failure.
  static func status(_ code: Int, reason: String, message: String, headers: [(String, String)] = []) -> HTTPResponse {
    json(
      [
        "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
        "reason": .string(reason), "code": .number(Double(code)),
      ], status: code, headers: headers)
  }
}
