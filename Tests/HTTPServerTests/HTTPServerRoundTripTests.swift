import HTTPServer
import TestSupport
import Testing

@Suite("HTTPServer round trips over a real socket")
struct HTTPServerRoundTripTests {
  @Test("GET delivers the decoded path, the query in order, headers and the client address")
  func getRoundTrip() async throws {
    try await TestServer.with(handler: TestServer.echo) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send(
        "GET /v1/a%20b?x=1&y=hello%20world&flag HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: yes\r\n\r\n")
      let response = try await client.readResponse()
      #expect(response.status == 200)
      #expect(response.text == "GET /v1/a b ?x=1&y=hello world&flag= []")
      #expect(response.headers["x-echo-test"] == "yes")
      #expect(response.headers["X-Echo-Remote"] == "127.0.0.1")
      #expect(response.headers["Content-Type"] == "text/plain")
    }
  }

  @Test("POST delivers the complete body, with Content-Length or chunked")
  func postRoundTrip() async throws {
    let payload = String(repeating: "0123456789", count: 2000)
    try await TestServer.with(handler: TestServer.echo) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send(
        "POST /items?kind=x HTTP/1.1\r\nHost: h\r\nContent-Length: \(payload.utf8.count)\r\n\r\n\(payload)"
      )
      let sized = try await client.readResponse()
      #expect(sized.status == 200)
      #expect(sized.text == "POST /items ?kind=x [\(payload)]")

      try await client.send(
        "POST /chunks HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
      )
      let chunked = try await client.readResponse()
      #expect(chunked.status == 200)
      #expect(chunked.text == "POST /chunks ? [hello world]")
    }
  }

  @Test("Keep-alive: a second request on the same connection is answered")
  func keepAlive() async throws {
    try await TestServer.with(handler: TestServer.echo) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n")
      let first = try await client.readResponse()
      #expect(first.status == 200)
      #expect(first.headers["Connection"]?.lowercased() != "close")

      try await client.send("GET /second HTTP/1.1\r\nHost: h\r\n\r\n")
      let second = try await client.readResponse()
      #expect(second.status == 200)
      #expect(second.text == "GET /second ? []")
    }
  }

  @Test("Content-Type is sent only when the application sets one; status and headers pass through")
  func responseHeaders() async throws {
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
      HTTPResponse(
        status: 201, headers: HTTPHeaders([("Location", "/v1/x"), ("X-A", "1"), ("X-A", "2")]))
    }
    try await TestServer.with(handler: handler) { server in
      let response = try await RawHTTPClient.get(port: server.port, "/")
      #expect(response.status == 201)
      #expect(response.headers["Content-Type"] == nil)
      #expect(response.headers["location"] == "/v1/x")
      #expect(response.headers.values("X-A") == ["1", "2"])
      #expect(response.body.isEmpty)
    }
  }

  @Test("Port 0 binds an ephemeral port that is readable after start")
  func ephemeralPort() async throws {
    try await TestServer.with(handler: TestServer.echo) { server in
      #expect(server.port > 0)
      let response = try await RawHTTPClient.get(port: server.port, "/")
      #expect(response.status == 200)
    }
  }
}
