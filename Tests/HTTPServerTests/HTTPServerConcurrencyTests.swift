import HTTPServer
import TestSupport
import Testing

@Suite("HTTPServer runs handlers concurrently and shuts down cleanly")
struct HTTPServerConcurrencyTests {
  @Test("A slow handler does not hold up 20 quick requests")
  func slowDoesNotBlockFast() async throws {
    let slowStarted = TestSignal()
    let releaseSlow = TestSignal()
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { request in
      guard request.path == "/slow" else {
        return HTTPResponse(status: 200, body: Array("fast".utf8))
      }
      slowStarted.fire()
      // Released by the test once every quick request has been answered; if
      // quick requests waited behind this one, only the timeout would end it.
      let released = await releaseSlow.wait(timeout: .seconds(45))  // loose: 2 loaded cores
      return HTTPResponse(status: 200, body: Array((released ? "released" : "timed out").utf8))
    }
    try await TestServer.with(handler: handler) { server in
      let port = server.port
      let slow = Task { try await RawHTTPClient.get(port: port, "/slow", timeout: .seconds(60)) }
      #expect(await slowStarted.wait(timeout: .seconds(30)))

      let fastStatuses = try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<20 {
          group.addTask { try await RawHTTPClient.get(port: port, "/fast").status }
        }
        return try await group.reduce(into: [Int]()) { $0.append($1) }
      }
      #expect(fastStatuses == Array(repeating: 200, count: 20))
      releaseSlow.fire()

      let slowResponse = try await slow.value
      #expect(slowResponse.status == 200)
      #expect(slowResponse.text == "released")
    }
  }

  @Test("Shutdown waits for an in-flight handler that answers before the deadline")
  func shutdownDeliversInFlightResponse() async throws {
    let started = TestSignal()
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
      started.fire()
      try? await Task.sleep(for: .milliseconds(300))  // the handler's work, not synchronisation
      return HTTPResponse(status: 200, body: Array("done".utf8))
    }
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    let server = HTTPServer(
      configuration: configuration, handler: handler, rejection: TestServer.rejection)
    try server.start()
    let port = server.port
    let request = Task { try await RawHTTPClient.get(port: port, "/work") }
    #expect(await started.wait(timeout: .seconds(5)))

    await server.shutdown(deadline: .seconds(5))
    let response = try await request.value
    #expect(response.status == 200)
    #expect(response.text == "done")
    // Not checked: that a new connection is refused. Tests run in parallel, and another test's
    // server may bind the same ephemeral port the moment this one frees it.
  }

  @Test("Shutdown answers a handler still running at the deadline with 503 and does not crash")
  func shutdownAnswersStuckHandlerWith503() async throws {
    let started = TestSignal()
    let never = TestSignal()
    let finished = TestSignal()
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
      started.fire()
      _ = await never.wait(timeout: .seconds(30))  // ends early only through cancellation
      finished.fire()
      return HTTPResponse(status: 200, body: Array("late".utf8))
    }
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    let server = HTTPServer(
      configuration: configuration, handler: handler, rejection: TestServer.rejection)
    try server.start()
    let port = server.port
    let client = try await RawHTTPClient.connect(port: port)
    try await client.send("GET /stuck HTTP/1.1\r\nHost: h\r\n\r\n")
    #expect(await started.wait(timeout: .seconds(5)))

    let clock = ContinuousClock()
    let elapsed = await clock.measure { await server.shutdown(deadline: .milliseconds(200)) }
    #expect(elapsed < .seconds(30))  // a stuck handler would hold shutdown forever; loose for loaded CI
    let response = try await client.readResponse()
    #expect(response.status == 503)
    #expect(try await client.isClosedByPeer())
    // The sweep cancels the stuck handler's task.
    #expect(await finished.wait(timeout: .seconds(5)))
  }
}
