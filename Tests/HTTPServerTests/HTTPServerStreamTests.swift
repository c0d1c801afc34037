import HTTPServer
import Synchronization
import TestSupport
import Testing

@Suite("HTTPServer streams response bodies written while they are sent")
struct HTTPServerStreamTests {
  /// A producer that writes `first`, waits for `proceed`, writes `second` and returns.
  private static func twoPart(proceed: TestSignal) -> @Sendable (HTTPRequest) async -> HTTPResponse {
    { _ in
      HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/event-stream")])) { writer in
        writer.write(Array("first-piece\n".utf8))
        _ = await proceed.wait(timeout: .seconds(30))
        writer.write(Array("second-piece\n".utf8))
      }
    }
  }

  @Test("Pieces arrive as they are written, chunked, and the body ends when the producer returns")
  func piecesArriveLive() async throws {
    let proceed = TestSignal()
    try await TestServer.with(handler: Self.twoPart(proceed: proceed)) { server in
      let client = try await RawHTTPClient.connect(port: server.port)
      try await client.send("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
      let head = try await client.readRaw(until: "first-piece\n", timeout: .seconds(20))
      #expect(head.hasPrefix("HTTP/1.1 200"))
      #expect(head.lowercased().contains("transfer-encoding: chunked"))
      #expect(!head.contains("second-piece"))
      proceed.fire()
      let rest = try await client.readRaw(until: "\r\n0\r\n\r\n", timeout: .seconds(20))
      #expect(rest.contains("second-piece\n"))
    }
  }

  @Test("Shutdown ends an idle stream promptly and cancels its producer")
  func shutdownEndsStream() async throws {
    let cancelled = TestSignal()
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
      HTTPResponse(status: 200) { writer in
        writer.write(Array("hello\n".utf8))
        try? await Task.sleep(for: .seconds(120))  // stays quiet until cancelled
        if Task.isCancelled { cancelled.fire() }
      }
    }
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    let server = HTTPServer(configuration: configuration, handler: handler, rejection: TestServer.rejection)
    try server.start()
    let client = try await RawHTTPClient.connect(port: server.port)
    try await client.send("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    _ = try await client.readRaw(until: "hello\n", timeout: .seconds(20))
    let started = ContinuousClock.now
    await server.shutdown(deadline: .seconds(60))
    // Well under the deadline: the stream was closed, not waited for.
    #expect(ContinuousClock.now - started < .seconds(30))
    #expect(await cancelled.wait(timeout: .seconds(20)))
    let rest = try await client.readRawToEnd(timeout: .seconds(20))
    #expect(rest.contains("0\r\n\r\n"))
  }

  @Test("A client that goes away is noticed at the next write, which returns false")
  func clientGoneStopsProducer() async throws {
    let stopped = TestSignal()
    let writes = Atomic<Int>(0)
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
      HTTPResponse(status: 200) { writer in
        // Bounded: about 60 s of heartbeats at most.
        for _ in 0..<600 {
          guard writer.write(Array(": tick\n".utf8)) else {
            stopped.fire()
            return
          }
          writes.add(1, ordering: .relaxed)
          try? await Task.sleep(for: .milliseconds(100))
          if Task.isCancelled {
            stopped.fire()
            return
          }
        }
      }
    }
    try await TestServer.with(handler: handler) { server in
      var client: RawHTTPClient? = try await RawHTTPClient.connect(port: server.port)
      try await client!.send("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
      _ = try await client!.readRaw(until: ": tick\n", timeout: .seconds(20))
      client = nil  // closes the socket
      #expect(await stopped.wait(timeout: .seconds(30)))
      #expect(writes.load(ordering: .relaxed) < 600)
    }
  }
}
