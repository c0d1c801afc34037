import HTTPServer

/// Starting and stopping servers for tests: always 127.0.0.1, port 0.
enum TestServer {
  /// Text rejections the tests can recognise.
  static let rejection: @Sendable (HTTPRejection, HTTPRequest) -> HTTPResponse = { rejection, _ in
    switch rejection {
    case .bodyTooLarge(let limit):
      HTTPResponse(
        status: 413, headers: HTTPHeaders([("Content-Type", "text/plain")]),
        body: Array("too large: limit \(limit)".utf8))
    case .conflictingLengthHeaders:
      HTTPResponse(
        status: 400, headers: HTTPHeaders([("Content-Type", "text/plain")]),
        body: Array("conflicting length headers".utf8))
    case .malformedRequest(let reason):
      HTTPResponse(status: 400, headers: HTTPHeaders([("Content-Type", "text/plain")]), body: Array(reason.utf8))
    }
  }

  /// Starts a server, runs `body` with it, and shuts it down even if `body` throws.
  static func with<T>(
    maxBodyBytes: Int = 1 << 20,
    shutdownDeadline: Duration = .seconds(2),
    handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse,
    _ body: (HTTPServer) async throws -> T
  ) async throws -> T {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.maxBodyBytes = maxBodyBytes
    configuration.connectionTimeoutSeconds = 10
    let server = HTTPServer(configuration: configuration, handler: handler, rejection: rejection)
    try server.start()
    do {
      let result = try await body(server)
      await server.shutdown(deadline: shutdownDeadline)
      return result
    } catch {
      await server.shutdown(deadline: shutdownDeadline)
      throw error
    }
  }

  /// Answers with a plain-text description of the request, for round-trip checks.
  static let echo: @Sendable (HTTPRequest) async -> HTTPResponse = { request in
    let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    var headers = HTTPHeaders([("Content-Type", "text/plain")])
    headers.add("X-Echo-Test", request.headers["x-test"] ?? "-")
    headers.add("X-Echo-Remote", request.remoteAddress)
    let text =
      "\(request.method) \(request.path) ?\(query) [\(String(decoding: request.body, as: UTF8.self))]"
    return HTTPResponse(status: 200, headers: headers, body: Array(text.utf8))
  }
}
