import Foundation
import HTTPClient
import Testing

@Suite("HTTPClient uploads")
struct HTTPClientUploadTests {
  private struct UploadReport: Decodable {
    var length: Int64
    var sha256: String
    var expected: String
    var chunked: Bool
    var expect: String
  }

  private func report(_ response: HTTPClientResponse) throws -> UploadReport {
    try JSONDecoder().decode(UploadReport.self, from: Data(response.body))
  }

  @Test("a 64 MiB streamed PUT arrives intact, read in bounded pieces, without Expect")
  func streamedUpload() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let length: Int64 = 64 << 20
    let source = PatternSource(length: length)
    let client = HTTPClient()
    let started = ContinuousClock.now
    let response = try await client.send(
      HTTPClientRequest(
        method: "PUT", url: server.url("/upload"), body: .stream(length: length, source: source),
        timeout: .seconds(120)))
    let elapsed = ContinuousClock.now - started
    let upload = try report(response)
    #expect(response.status == 200)
    #expect(upload.length == length)
    #expect(upload.sha256 == upload.expected)
    #expect(!upload.chunked)
    #expect(upload.expect == "-")
    // The body is produced piecewise into libcurl's upload buffer, never as one array.
    #expect(source.largestRead <= 1 << 20)
    #expect(source.reads >= 64)
  }

  @Test("a stream without a length goes out chunked")
  func chunkedUpload() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let source = PatternSource(length: 3 << 20 + 17)
    let response = try await HTTPClient().send(
      HTTPClientRequest(method: "POST", url: server.url("/upload"), body: .stream(length: nil, source: source)))
    let upload = try report(response)
    #expect(upload.chunked)
    #expect(upload.length == 3 << 20 + 17)
    #expect(upload.sha256 == upload.expected)
  }

  @Test("a body source that throws fails the request with .send and its reason")
  func failingSource() async throws {
    let server = try await PythonTestServer.start()
    defer { server.stop() }
    let error = await #expect(throws: HTTPClientError.self) {
      try await HTTPClient().send(
        HTTPClientRequest(
          method: "PUT", url: server.url("/upload"),
          body: .stream(length: 4 << 20, source: FailingSource(failAfter: 1 << 20)), timeout: .seconds(20)))
    }
    #expect(error?.code == .send)
    #expect(error?.message.contains("disk went away") == true)
  }
}
