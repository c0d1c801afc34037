import Foundation
import Testing

@testable import API

@Suite("JSON writer")
struct JSONWriterTests {
  @Test(
    "strings round-trip through a JSON parser, whatever they contain",
    arguments: [
      "plain", "quote \" and backslash \\", "newline\n tab\t return\r", "control \u{01}\u{1f}", "unicode é ☃ 🚀", "",
    ])
  func strings(_ text: String) throws {
    var writer = JSONWriter()
    writer.object { $0.member(text, text) }
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: String])
    #expect(parsed == [text: text])
  }

  @Test("nested containers, numbers, booleans and null are valid JSON with commas in the right places")
  func structure() throws {
    var writer = JSONWriter()
    writer.object { w in
      w.key("a")
      w.array { a in
        a.number(1)
        a.number(2.5)
        a.bool(true)
        a.null()
        a.object { _ in }
      }
      w.member("b", ["y": "2", "x": "1"])
      w.member("skipped", nil as String?)
      w.key("c")
      w.number(Int64(-7))
    }
    #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1,2.5,true,null,{}],"b":{"x":"1","y":"2"},"c":-7}"#)
  }

  @Test(
    "timestamps are RFC 3339 UTC with microseconds and parse back exactly",
    arguments: [
      0.0, 1_800_000_000.123456, 1_700_000_000, -1.5, 4_102_444_799.999999,
    ])
  func timestamps(_ seconds: Double) throws {
    let date = Date(timeIntervalSince1970: seconds)
    let text = Timestamp.string(date)
    #expect(text.count == 27 && text.hasSuffix("Z"))
    let parsed = try #require(Timestamp.parse(text))
    #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.000_001)
  }
}
