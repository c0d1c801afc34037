import Foundation
import HTTPClient
import Synchronization
import Testing

@Suite("HTTPClient streaming responses")
struct HTTPClientStreamTests {
  @Test("a chunked 2xx body is delivered piecewise to onData and not collected")
  func streamsBody() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let received = Mutex<[UInt8]>([])
    let response = try await HTTPClient().stream(HTTPClientRequest(url: server.url("/stream?n=5"))) { bytes in
      received.withLock { $0 += bytes }
      return true
    }
    #expect(response.status == 200)
    #expect(response.body.isEmpty)
    let text = received.withLock { String(decoding: $0, as: UTF8.self) }
    #expect(text == (0..<5).map { "line \($0)\n" }.joined())
  }

  @Test("returning false from onData ends the call normally")
  func stopEarly() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let calls = Mutex(0)
    let response = try await HTTPClient().stream(HTTPClientRequest(url: server.url("/slow"))) { _ in
      calls.withLock { $0 += 1 }
      return false
    }
    #expect(response.status == 200)
    #expect(calls.withLock { $0 } == 1)
  }

  @Test("an error status's body is collected instead of streamed")
  func errorBodyCollected() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let calls = Mutex(0)
    let response = try await HTTPClient().stream(HTTPClientRequest(url: server.url("/big?n=42&status=410"))) { _ in
      calls.withLock { $0 += 1 }
      return true
    }
    #expect(response.status == 410)
    #expect(response.body.count == 42)
    #expect(calls.withLock { $0 } == 0)
  }
}
