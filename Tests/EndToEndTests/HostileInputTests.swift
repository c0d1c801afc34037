import Foundation
import TestSupport
import Testing

/// Bytes no well-behaved client sends, written straight to the socket of a real `podhop serve`:
/// each is refused with a 4xx or a closed connection, and the server answers the next request.
/// (Content-Length with Transfer-Encoding and oversized bodies have their own tests in
/// APITests and HTTPServerTests.) Not covered, and known: a raw NUL byte in the request line
/// ends the path there, because libmicrohttpd parses the line as a C string.
@Suite("hostile input on the wire")
struct HostileInputTests {
  static let token = "hostile-operator-token-0123456789"

  /// One request's bytes, and what a refusal looks like for it.
  struct Case: Sendable, CustomStringConvertible {
    var description: String
    var bytes: [UInt8]
    /// The statuses accepted as a refusal; a closed connection is always accepted.
    var statuses: Set<Int> = [400]
  }

  static func head(_ requestLine: String, _ headers: [String] = []) -> [UInt8] {
    head(Array(requestLine.utf8), headers)
  }

  static func head(_ requestLine: [UInt8], _ headers: [String] = []) -> [UInt8] {
    requestLine
      + Array((["", "Host: 127.0.0.1", "Authorization: Bearer \(token)"] + headers + ["", ""]).joined(separator: "\r\n").utf8)
  }

  static func post(_ body: [UInt8]) -> [UInt8] {
    head("POST /v1/migrations HTTP/1.1", ["Content-Type: application/json", "Content-Length: \(body.count)"]) + body
  }

  static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

  static let cases: [Case] = [
    Case(
      description: "a 100 KiB header",
      bytes: head("GET /healthz HTTP/1.1", ["X-Big: " + String(repeating: "a", count: 100 << 10)]), statuses: [400, 413, 431]),
    Case(
      description: "5,000 headers", bytes: head("GET /healthz HTTP/1.1", (0..<5000).map { "X-\($0): y" }),
      statuses: [400, 413, 431]),
    Case(
      description: "a 64 KiB request target",
      bytes: head("GET /v1/migrations?pod=\(String(repeating: "a", count: 64 << 10)) HTTP/1.1"), statuses: [400, 414, 431]),
    Case(
      description: "invalid UTF-8 in the path, raw",
      bytes: head(Array("GET /v1/migrations/".utf8) + [0xFF, 0xFE] + Array(" HTTP/1.1".utf8))),
    Case(description: "invalid UTF-8 in the path, percent-encoded", bytes: head("GET /v1/migrations/%FF%FE HTTP/1.1")),
    Case(description: "invalid UTF-8 in the query, percent-encoded", bytes: head("GET /v1/migrations?pod=%C3%28 HTTP/1.1")),
    Case(description: "a NUL byte in a query argument", bytes: head("GET /v1/migrations?pod=counter%00x HTTP/1.1")),
    Case(description: "a NUL byte in the path, percent-encoded", bytes: head("GET /v1/migrations%00x HTTP/1.1")),
    Case(description: "a limit beyond any integer", bytes: head("GET /v1/migrations?limit=99999999999999999999999999 HTTP/1.1")),
    Case(description: "a negative limit", bytes: head("GET /v1/migrations?limit=-1 HTTP/1.1")),
    Case(
      description: "invalid UTF-8 inside a JSON string",
      bytes: post(json(#"{"source":{"namespace":"default","pod":""#) + [0xC3, 0x28] + json(#""},"targetNode":"node-b"}"#))),
    Case(
      description: "a raw NUL byte inside a JSON string",
      bytes: post(json("{\"source\":{\"namespace\":\"default\",\"pod\":\"a\u{0}b\"},\"targetNode\":\"node-b\"}"))),
    Case(
      description: "an escaped NUL in a name",
      bytes: post(json(#"{"source":{"namespace":"default","pod":"a\u0000b"},"targetNode":"node-b"}"#)),
      statuses: [422]),
    Case(description: "a million nested arrays", bytes: post(Array(repeating: UInt8(ascii: "["), count: 1_000_000))),
    Case(description: "100,000 nested objects", bytes: post(Array(String(repeating: #"{"a":"#, count: 100_000).utf8))),
    Case(
      description: "1e999 for a boolean",
      bytes: post(json(#"{"source":{"namespace":"default","pod":"a"},"targetNode":"node-b","allowVolumes":1e999}"#)),
      statuses: [400, 422]),
    Case(
      description: "a 40-digit integer for a label",
      bytes: post(
        json(
          #"{"source":{"namespace":"default","pod":"a"},"targetNode":"node-b","labels":{"n":1234567890123456789012345678901234567890}}"#
        )),
      statuses: [400, 422]),
    Case(description: "a body that is only a number", bytes: post(json("-1e-999999")), statuses: [400, 422]),
  ]

  /// A server whose idle connections close after `timeout` seconds.
  func start(_ directory: TemporaryDirectory, timeout: Int = 30) async throws -> (PodhopProcess, UInt16) {
    try "hostile operator \(Self.token)\n".write(toFile: directory.file("tokens"), atomically: true, encoding: .utf8)
    let server = try PodhopProcess(
      [
        "serve", "--listen", "127.0.0.1:0", "--tokens-file", "tokens", "--database", "podhop.db", "--rate-limit", "0",
        "--connection-timeout-seconds", String(timeout),
      ], directory: directory.path)
    return (server, try await server.waitForPort())
  }

  @Test("each hostile request gets a 4xx or a closed connection, and the server answers the next request")
  func hostileRequests() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (server, port) = try await start(directory)
    for hostile in Self.cases {
      let client = try await RawHTTPClient.connect(port: port)
      // The server may close before reading everything; a failed send is a closed connection.
      let sent = (try? await client.send(hostile.bytes)) != nil
      let response = try? await client.readResponse(timeout: .seconds(15))
      if let response {
        #expect(hostile.statuses.contains(response.status), "\(hostile): \(response.status) \(response.text.prefix(300))")
        if response.status == 400 || response.status == 422 {
          #expect(response.headers["Content-Type"] == "application/problem+json", "\(hostile)")
        }
      } else {
        #expect(try await client.isClosedByPeer(timeout: .seconds(5)) || !sent, "\(hostile): neither answered nor closed")
      }
      let health = try await RawHTTPClient.get(port: port, "/healthz")
      #expect(health.status == 200, "the server did not answer after \(hostile)")
    }
    let failures = server.log.filter { $0.contains("\"request failed\"") }
    #expect(failures.isEmpty, "\(failures.prefix(3))")
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }

  @Test("a client that stops halfway through its headers is disconnected after --connection-timeout-seconds")
  func slowHeaders() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // 5 s: short for the test, long enough that a loaded machine does not close the other
    // requests' connections before they are read.
    let (server, port) = try await start(directory, timeout: 5)
    let slow = try await RawHTTPClient.connect(port: port)
    try await slow.send("GET /v1/migrations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    // The server has room for others meanwhile.
    #expect(try await RawHTTPClient.get(port: port, "/healthz").status == 200)
    // A loose bound for a loaded machine.
    #expect(try await slow.isClosedByPeer(timeout: .seconds(30)), "the half-sent request was kept open")
    #expect(try await RawHTTPClient.get(port: port, "/healthz").status == 200)
    server.signal(SIGTERM)
    #expect(await server.waitForExit() == 0)
  }
}
