import HTTPServer
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
  @Test("Lookup ignores case and returns the first value; values keeps every one in order")
  func caseInsensitiveLookup() {
    var headers = HTTPHeaders([("Accept", "a"), ("X-Id", "1")])
    headers.add("ACCEPT", "b")
    #expect(headers["accept"] == "a")
    #expect(headers.values("Accept") == ["a", "b"])
    #expect(headers["x-ID"] == "1")
    #expect(headers["missing"] == nil)
    #expect(headers.contains("x-id"))
    #expect(headers.pairs.map(\.name) == ["Accept", "X-Id", "ACCEPT"])
  }

  @Test("Names that differ only beyond ASCII letters do not match")
  func nonLetters() {
    let headers = HTTPHeaders([("X_A", "1")])
    #expect(headers["X-A"] == nil)
    #expect(headers["x_a"] == "1")
  }
}
