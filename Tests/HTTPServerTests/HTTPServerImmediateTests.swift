import HTTPServer
import Synchronization
import TestSupport
import Testing

@Suite("Immediate answers on libmicrohttpd's thread")
struct HTTPServerImmediateTests {
  @Test("a request the immediate handler answers never reaches the async handler; one it declines does")
  func immediateFirst() async throws {
    let asyncCalls = Atomic<Int>(0)
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    let server = HTTPServer(
      configuration: configuration,
      immediate: { request in
        request.path == "/now" ? HTTPResponse(status: 200, body: Array("now:\(request.body.count)".utf8)) : nil
      },
      handler: { _ in
        asyncCalls.add(1, ordering: .relaxed)
        return HTTPResponse(status: 201, body: Array("later".utf8))
      },
      rejection: { _, _ in HTTPResponse(status: 400) })
    try server.start()
    let now = try await RawHTTPClient.request(port: server.port, "POST", "/now", body: Array("abc".utf8))
    #expect(now.status == 200 && now.text == "now:3")
    #expect(asyncCalls.load(ordering: .relaxed) == 0)
    let later = try await RawHTTPClient.request(port: server.port, "GET", "/later")
    #expect(later.status == 201 && later.text == "later")
    #expect(asyncCalls.load(ordering: .relaxed) == 1)
    // Keep-alive holds for immediate answers too: two requests over one connection.
    let client = try await RawHTTPClient.connect(port: server.port)
    try await client.send(RawHTTPClient.head("GET", "/now", headers: [], bodyLength: 0))
    #expect(try await client.readResponse().status == 200)
    try await client.send(RawHTTPClient.head("GET", "/now", headers: [], bodyLength: 0))
    #expect(try await client.readResponse().status == 200)
    await server.shutdown(deadline: .seconds(2))
  }
}
