import Foundation
import HTTPClient
import HTTPServer
import Testing

@Suite("HTTPClient round trips")
struct HTTPClientRoundTripTests {
  /// Runs `body` against our libmicrohttpd server with an echo handler on 127.0.0.1, port 0.
  private func withEchoServer(_ body: (UInt16) async throws -> Void) async throws {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configuration.maxBodyBytes = 8 << 20
    let server = HTTPServer(
      configuration: configuration,
      handler: { request in
        var headers = HTTPHeaders([("Content-Type", "application/octet-stream")])
        headers.add("X-Method", request.method)
        headers.add("X-Query", request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
        headers.add("X-Test", request.headers["x-test"] ?? "-")
        headers.add("X-Remote", request.remoteAddress)
        headers.add("X-Multi", "one")
        headers.add("X-Multi", "two")
        return HTTPResponse(status: request.method == "POST" ? 201 : 200, headers: headers, body: request.body)
      },
      rejection: { _, _ in HTTPResponse(status: 413) })
    try server.start()
    do {
      try await body(server.port)
      await server.shutdown(deadline: .seconds(2))
    } catch {
      await server.shutdown(deadline: .seconds(2))
      throw error
    }
  }

  @Test("GET, POST, PUT and PATCH round-trip method, query, headers and body", arguments: ["GET", "POST", "PUT", "PATCH"])
  func roundTrip(method: String) async throws {
    try await withEchoServer { port in
      let client = HTTPClient()
      let payload: [UInt8] = method == "GET" ? [] : Array("hello \(method) ✓".utf8)
      let response = try await client.send(
        HTTPClientRequest(
          method: method, url: "http://127.0.0.1:\(port)/things?a=1&b=two",
          headers: [("X-Test", "value 1")], body: payload.isEmpty ? .none : .bytes(payload),
          timeout: .seconds(10)))
      #expect(response.status == (method == "POST" ? 201 : 200))
      #expect(response.headers["x-method"] == method)
      #expect(response.headers["X-QUERY"] == "a=1&b=two")
      #expect(response.headers["X-Test"] == "value 1")
      #expect(response.headers.values("x-multi") == ["one", "two"])
      #expect(response.body == payload)
    }
  }

  @Test("a 1 MiB body from bytes arrives intact through libmicrohttpd")
  func largeBytesBody() async throws {
    try await withEchoServer { port in
      let client = HTTPClient()
      let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
      let response = try await client.send(
        HTTPClientRequest(method: "PUT", url: "http://127.0.0.1:\(port)/blob", body: .bytes(payload)))
      #expect(response.status == 200)
      #expect(response.body == payload)
    }
  }

  @Test("sequential requests reuse one keep-alive connection")
  func keepAlive() async throws {
    try await withEchoServer { port in
      let client = HTTPClient()
      var remotes: [String] = []
      for _ in 0..<3 {
        let response = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        remotes.append(response.headers["X-Remote"] ?? "")
      }
      #expect(Set(remotes).count == 1, "remote addresses: \(remotes)")
    }
  }

  @Test("concurrent requests all complete")
  func concurrent() async throws {
    try await withEchoServer { port in
      let client = HTTPClient()
      let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
        for index in 0..<16 {
          group.addTask {
            try await client.send(
              HTTPClientRequest(method: "PUT", url: "http://127.0.0.1:\(port)/\(index)", body: .bytes([1, 2, 3]))
            ).status
          }
        }
        var statuses: [Int] = []
        for try await status in group { statuses.append(status) }
        return statuses
      }
      #expect(statuses == Array(repeating: 200, count: 16))
    }
  }
}
