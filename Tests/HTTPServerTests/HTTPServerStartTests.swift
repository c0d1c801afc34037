import HTTPServer
import Testing

@Suite("HTTPServer start-up errors")
struct HTTPServerStartTests {
  private func server(host: String, port: UInt16) -> HTTPServer {
    var configuration = HTTPServerConfiguration()
    configuration.host = host
    configuration.port = port
    return HTTPServer(
      configuration: configuration, handler: TestServer.echo, rejection: TestServer.rejection)
  }

  @Test("Binding a port already in use fails with .bind and names the address")
  func addressInUse() async throws {
    try await TestServer.with(handler: TestServer.echo) { running in
      let second = server(host: "127.0.0.1", port: running.port)
      let error = #expect(throws: HTTPServerError.self) { try second.start() }
      #expect(error?.code == .bind)
      #expect(error?.message.contains("127.0.0.1:\(running.port)") == true)
      await second.shutdown(deadline: .seconds(1))
    }
  }

  @Test(
    "A host that is not an IPv4 literal fails with .invalidAddress",
    arguments: ["localhost", "::1", "1.2.3"])
  func invalidAddress(host: String) async {
    let candidate = server(host: host, port: 0)
    let error = #expect(throws: HTTPServerError.self) { try candidate.start() }
    #expect(error?.code == .invalidAddress)
    #expect(error?.message.contains(host) == true)
    await candidate.shutdown(deadline: .seconds(1))
  }

  @Test("Shutdown before start, and twice, returns without effect")
  func shutdownIdempotent() async throws {
    let idle = server(host: "127.0.0.1", port: 0)
    await idle.shutdown(deadline: .seconds(1))
    await idle.shutdown(deadline: .seconds(1))

    let running = server(host: "127.0.0.1", port: 0)
    try running.start()
    async let first: Void = running.shutdown(deadline: .seconds(1))
    async let second: Void = running.shutdown(deadline: .seconds(1))
    _ = await (first, second)
    await running.shutdown(deadline: .seconds(1))
  }
}
