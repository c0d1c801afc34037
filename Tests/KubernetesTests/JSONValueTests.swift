import Testing

@testable import Kubernetes

@Suite("JSONValue")
struct JSONValueTests {
  @Test("Booleans stay booleans and numbers stay numbers, including 0 and 1")
  func boolsStayBools() throws {
    let value = try JSONValue(parsing: Array(#"{"t":true,"f":false,"one":1,"zero":0}"#.utf8))
    #expect(value["t"] == .bool(true))
    #expect(value["f"] == .bool(false))
    #expect(value["one"] == .number(1))
    #expect(value["zero"] == .number(0))
    #expect(value["one"]?.bool == nil)
    #expect(value["t"]?.int == nil)
    #expect(String(decoding: value.bytes, as: UTF8.self) == #"{"f":false,"one":1,"t":true,"zero":0}"#)
  }

  @Test("Integers are written without a fraction and fractions keep their digits")
  func numbers() throws {
    let value = try JSONValue(parsing: Array(#"[3, -7, 1.5, 1e3, 9007199254740992, 0.1]"#.utf8))
    #expect(value.array?.map(\.int) == [3, -7, nil, 1000, 9_007_199_254_740_992, nil])
    #expect(value.array?[2].double == 1.5)
    #expect(String(decoding: value.bytes, as: UTF8.self) == "[3,-7,1.5,1000,9007199254740992,0.1]")
  }

  @Test("Nested objects round-trip, and output keys are sorted at every level")
  func nestedRoundTrip() throws {
    let text =
      #"{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80}]}],"nodeName":null},"kind":"Pod","a/b":"x/y\"é\n"}"#
    let value = try JSONValue(parsing: Array(text.utf8))
    let written = String(decoding: value.bytes, as: UTF8.self)
    #expect(
      written
        == #"{"a/b":"x/y\"é\n","kind":"Pod","spec":{"containers":[{"name":"app","ports":[{"containerPort":80}]}],"nodeName":null}}"#
    )
    #expect(try JSONValue(parsing: value.bytes) == value)
    #expect(value["spec"]?["nodeName"]?.isNull == true)
    #expect(value["spec"]?["containers"]?.array?.first?["ports"]?.array?.first?["containerPort"]?.int == 80)
  }

  @Test("Top-level scalars parse")
  func fragments() throws {
    #expect(try JSONValue(parsing: Array("\"x\"".utf8)) == .string("x"))
    #expect(try JSONValue(parsing: Array("null".utf8)) == .null)
    #expect(try JSONValue(parsing: Array("true".utf8)) == .bool(true))
  }

  @Test("Malformed JSON is an unexpectedResponse error", arguments: ["{bad", "", "[1,", "{\"a\":tru}"])
  func malformed(text: String) {
    let error = #expect(throws: KubernetesError.self) { try JSONValue(parsing: Array(text.utf8)) }
    #expect(error?.code == .unexpectedResponse)
  }

  @Test("The subscript setter edits members, removes them with nil, and turns non-objects into objects")
  func subscriptSetter() {
    var pod: JSONValue = ["metadata": ["name": "a", "resourceVersion": "12"]]
    pod["metadata"]?["name"] = "b"
    pod["metadata"]?["resourceVersion"] = nil
    pod["spec"] = ["nodeName": "node-b"]
    #expect(pod == ["metadata": ["name": "b"], "spec": ["nodeName": "node-b"]])
    var scalar: JSONValue = 3
    scalar["x"] = true
    #expect(scalar == ["x": true])
  }

  @Test("Accessors return nil for the wrong kind")
  func accessors() {
    let value: JSONValue = ["s": "x", "n": 2.5, "a": [1], "o": [:]]
    #expect(value["s"]?.string == "x")
    #expect(value["s"]?.int == nil)
    #expect(value["n"]?.double == 2.5)
    #expect(value["n"]?.int == nil)
    #expect(value["a"]?.array == [1])
    #expect(value["o"]?.object == [:])
    #expect(value["a"]?["x"] == nil)
    #expect(value["missing"] == nil)
  }
}
