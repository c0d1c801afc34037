import Foundation
import HTTPClient
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("HTTPClient failures")
struct HTTPClientFailureTests {
  private struct Stats: Decodable { var slow: Int }

  private func slowRequests(_ server: PythonTestServer) async throws -> Int {
    let response = try await HTTPClient().send(HTTPClientRequest(url: server.url("/stats")))
    return try JSONDecoder().decode(Stats.self, from: Data(response.body)).slow
  }

  @Test("cancelling the task aborts a stalled response long before the stall ends")
  func cancelStalledResponse() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let client = HTTPClient()
    let task = Task { try await client.send(HTTPClientRequest(url: server.url("/stall"))) }
    // Cancel once the server has the request, so the transfer is really in flight.
    #expect(try await eventually { try await slowRequests(server) >= 1 })
    let cancelledAt = ContinuousClock.now
    task.cancel()
    let result = await task.result
    let latency = ContinuousClock.now - cancelledAt
    #expect(throws: HTTPClientError.self) { try result.get() }
    #expect((try? result.get()) == nil)
    if case .failure(let error as HTTPClientError) = result { #expect(error.code == .cancelled) }
    // The stall lasts far longer; the bound is loose because 2 loaded cores can delay any wake-up.
    #expect(latency < .seconds(20), "cancellation took \(latency)")
  }

  @Test("cancelling a streaming download mid-body aborts it promptly")
  func cancelMidBody() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let client = HTTPClient()
    let (firstBytes, signal) = AsyncStream<Void>.makeStream()
    let task = Task {
      try await client.stream(HTTPClientRequest(url: server.url("/slow"))) { _ in
        signal.yield()
        return true
      }
    }
    var iterator = firstBytes.makeAsyncIterator()
    await iterator.next()
    let cancelledAt = ContinuousClock.now
    task.cancel()
    let result = await task.result
    let latency = ContinuousClock.now - cancelledAt
    guard case .failure(let error as HTTPClientError) = result else {
      Issue.record("expected a cancellation error, got \(result)")
      return
    }
    #expect(error.code == .cancelled)
    #expect(!error.isRetryable)
    // The stall lasts far longer; the bound is loose because 2 loaded cores can delay any wake-up.
    #expect(latency < .seconds(20), "cancellation took \(latency)")
  }

  @Test("a task cancelled before sending fails at once")
  func alreadyCancelled() async throws {
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      return try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:9/"))
    }
    let result = await task.result
    guard case .failure(let error as HTTPClientError) = result else {
      Issue.record("expected a cancellation error")
      return
    }
    #expect(error.code == .cancelled)
  }

  @Test("a request timeout ends a stalled request with .timeout")
  func timeout() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let started = ContinuousClock.now
    let error = await #expect(throws: HTTPClientError.self) {
      try await HTTPClient().send(HTTPClientRequest(url: server.url("/stall"), timeout: .milliseconds(300)))
    }
    #expect(error?.code == .timeout)
    #expect(error?.isRetryable == true)
    #expect(ContinuousClock.now - started < .seconds(10))  // the stall is far longer; loose for loaded CI
  }

  @Test("a body over maxResponseBytes fails with .tooLarge", arguments: [false, true])
  func tooLarge(chunked: Bool) async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let client = HTTPClient(maxResponseBytes: 1 << 20)
    let path = "/big?n=\(3 << 20)" + (chunked ? "&chunked=1" : "")
    let error = await #expect(throws: HTTPClientError.self) {
      try await client.send(HTTPClientRequest(url: server.url(path), timeout: .seconds(20)))
    }
    #expect(error?.code == .tooLarge)
    #expect(error?.isRetryable == false)
    // Exactly at the limit is fine.
    let exact = try await client.send(HTTPClientRequest(url: server.url("/big?n=\(1 << 20)")))
    #expect(exact.body.count == 1 << 20)
  }

  @Test("a HEAD response's Content-Length is not held against the limit")
  func headIgnoresLength() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let response = try await HTTPClient(maxResponseBytes: 10).send(
      HTTPClientRequest(method: "HEAD", url: server.url("/anything")))
    #expect(response.status == 200)
    #expect(response.headers["content-length"] == "123456789")
    #expect(response.body.isEmpty)
  }

  @Test("a refused connection is .connect, retryable, and the message holds no header values")
  func connectionRefused() async throws {
    let port = try closedPort()
    let error = await #expect(throws: HTTPClientError.self) {
      try await HTTPClient().send(
        HTTPClientRequest(
          url: "http://127.0.0.1:\(port)/v2/?token=query-secret",
          headers: [("Authorization", "Bearer header-secret")]))
    }
    #expect(error?.code == .connect)
    #expect(error?.isRetryable == true)
    #expect(error?.message.contains("header-secret") == false)
    #expect(error?.message.contains("query-secret") == false)
    #expect(error?.message.contains("127.0.0.1:\(port)") == true)
  }

  @Test(
    "malformed requests are .invalidRequest",
    arguments: [
      HTTPClientRequest(url: "ftp://127.0.0.1/file"),
      HTTPClientRequest(url: "http://127.0.0.1:9/", headers: [("X-Bad", "a\r\nInjected: yes")]),
      HTTPClientRequest(url: "http://127.0.0.1:9/", headers: [("Bad Name", "x")]),
      HTTPClientRequest(method: "GE T", url: "http://127.0.0.1:9/"),
    ])
  func invalidRequest(request: HTTPClientRequest) async throws {
    let error = await #expect(throws: HTTPClientError.self) { try await HTTPClient().send(request) }
    #expect(error?.code == .invalidRequest)
  }

  /// A port on 127.0.0.1 with nothing listening: bound to learn a free number, then closed.
  private func closedPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    return UInt16(bigEndian: address.sin_port)
  }
}

extension HTTPClientRequest: CustomTestStringConvertible {
  public var testDescription: String { "\(method) \(url) \(headers.map(\.0))" }
}
