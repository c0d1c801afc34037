import HTTPServer
import TestSupport
import Testing

@Suite("HTTPServer rejects oversized and ambiguous requests before the application sees them")
struct HTTPServerLimitTests {
  private static let limit = 1024

  /// An echo handler that also counts its calls.
  private static func countingEcho(_ calls: CallCounter)
    -> @Sendable (HTTPRequest) async -> HTTPResponse
  {
    { request in
      calls.increment()
      return await TestServer.echo(request)
    }
  }

  @Test("Content-Length above the limit gets 413 at once, without 100 Continue or reading the body")
  func declaredLengthTooLarge() async throws {
    let calls = CallCounter()
    try await TestServer.with(maxBodyBytes: Self.limit, handler: Self.countingEcho(calls)) {
      server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send(
        "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n"
      )
      let response = try await client.readResponse(skipInformational: false)
      #expect(response.status == 413)
      #expect(response.text == "too large: limit \(Self.limit)")
      #expect(try await client.isClosedByPeer())
    }
    #expect(calls.value == 0)
  }

  @Test("A chunked body that grows past the limit gets 413 and never reaches the handler")
  func chunkedTooLarge() async throws {
    let calls = CallCounter()
    try await TestServer.with(maxBodyBytes: Self.limit, handler: Self.countingEcho(calls)) {
      server in
      let client = try await RawHTTPClient.connect(port: server.port)
      let chunk = String(repeating: "a", count: 600)  // 0x258 bytes; two of them pass the limit
      try await client.send(
        "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n"
      )
      let response = try await client.readResponse()
      #expect(response.status == 413)
      #expect(response.text == "too large: limit \(Self.limit)")
    }
    #expect(calls.value == 0)
  }

  @Test("A chunked body that keeps coming far past the limit is cut off")
  func chunkedFarTooLarge() async throws {
    let calls = CallCounter()
    try await TestServer.with(maxBodyBytes: Self.limit, handler: Self.countingEcho(calls)) {
      server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send(
        "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
      let chunk = "1000\r\n" + String(repeating: "z", count: 4096) + "\r\n"
      // 20 × 4 KiB = 80 KiB, beyond the 64 KiB the server discards; the server
      // may close while this is still being written.
      for _ in 0..<20 { try? await client.send(chunk) }
      await #expect(throws: RawHTTPClientError.self) {
        try await client.readResponse(timeout: .seconds(5))
      }
    }
    #expect(calls.value == 0)
  }

  @Test("A body exactly at the limit is delivered")
  func bodyAtLimit() async throws {
    let body = String(repeating: "b", count: Self.limit)
    try await TestServer.with(maxBodyBytes: Self.limit, handler: TestServer.echo) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send(
        "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: \(Self.limit)\r\n\r\n\(body)")
      let response = try await client.readResponse()
      #expect(response.status == 200)
      #expect(response.text == "PUT /x ? [\(body)]")
    }
  }

  @Test("Content-Length together with Transfer-Encoding is rejected and the connection closed")
  func conflictingLengthHeaders() async throws {
    let calls = CallCounter()
    try await TestServer.with(handler: Self.countingEcho(calls)) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send(
        "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
      let response = try await client.readResponse()
      #expect(response.status == 400)
      #expect(response.text == "conflicting length headers")
      #expect(try await client.isClosedByPeer())
    }
    #expect(calls.value == 0)
  }

  @Test("An HTTP/1.1 request without Host gets 400 from strict mode")
  func missingHost() async throws {
    let calls = CallCounter()
    try await TestServer.with(handler: Self.countingEcho(calls)) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send("GET / HTTP/1.1\r\n\r\n")
      let response = try await client.readResponse()
      #expect(response.status == 400)
    }
    #expect(calls.value == 0)
  }
}
