import Foundation
import Testing
import YAML

@Suite("YAMLNode accessors and JSON conversion")
struct YAMLNodeTests {
  @Test("quoted true stays a string while plain true is a Bool in jsonValue")
  func quotedTrue() throws {
    let node = try YAMLDocument.parse("plain: true\nsingle: 'true'\ndouble: \"true\"\n")
    #expect(node["plain"]?.bool == true)
    #expect(node["single"]?.bool == nil)
    #expect(node["double"]?.string == "true")

    let object = try #require(node.jsonValue as? [String: Any])
    #expect(object["plain"] as? Bool == true)
    #expect(object["single"] as? String == "true")
    #expect(object["double"] as? String == "true")
  }

  @Test(
    "plain scalars resolve by the YAML 1.2 core schema",
    arguments: [
      ("~", "null"), ("null", "null"), ("Null", "null"), ("NULL", "null"), ("", "null"),
      ("true", "bool true"), ("False", "bool false"), ("TRUE", "bool true"),
      ("yes", "string yes"), ("on", "string on"), ("nULL", "string nULL"),
      ("42", "int 42"), ("-17", "int -17"), ("+7", "int 7"), ("0x1F", "int 31"),
      ("0o17", "int 15"), ("0o18", "string 0o18"), ("0xG", "string 0xG"), ("-0x1", "string -0x1"),
      ("1.5", "double 1.5"), (".5", "double 0.5"), ("1.", "double 1.0"), ("1e3", "double 1000.0"),
      ("-2.5E-1", "double -0.25"), (".inf", "double inf"), ("-.Inf", "double -inf"),
      ("99999999999999999999", "double 1e+20"), ("1_000", "string 1_000"),
      ("1.2.3", "string 1.2.3"),
      (".", "string ."), ("1e", "string 1e"), ("0x", "string 0x"), ("12:30", "string 12:30"),
    ])
  func coreSchema(text: String, expected: String) {
    #expect(describe(YAMLNode.scalar(text, quoted: false).jsonValue) == expected)
    // The same text quoted is always a string.
    #expect(describe(YAMLNode.scalar(text, quoted: true).jsonValue) == "string \(text)")
  }

  @Test("NaN resolves to a Double that is NaN")
  func notANumber() {
    #expect((YAMLNode.scalar(".NaN", quoted: false).jsonValue as? Double)?.isNaN == true)
  }

  @Test("int, bool and isNull only read plain scalars")
  func typedAccessors() throws {
    let node = try YAMLDocument.parse(
      "port: 8080\nhex: 0xff\nquoted: \"8080\"\nempty:\ntilde: ~\nquotedNull: 'null'\nlist: [1]\n")
    #expect(node["port"]?.int == 8080)
    #expect(node["hex"]?.int == 255)
    #expect(node["quoted"]?.int == nil)
    #expect(node["quoted"]?.string == "8080")
    #expect(node["empty"]?.isNull == true)
    #expect(node["tilde"]?.isNull == true)
    #expect(node["quotedNull"]?.isNull == false)
    #expect(node["list"]?.isNull == false)
    #expect(node["list"]?.int == nil)
    #expect(node["list"]?.string == nil)
    #expect(node["port"]?.array == nil)
    #expect(node["port"]?.entries == nil)
    #expect(node["port"]?["x"] == nil)
    #expect(node["missing"] == nil)
  }

  @Test("subscript finds the first entry with a matching scalar key, plain or quoted")
  func subscriptLookup() throws {
    let node = try YAMLDocument.parse("\"a\": 1\na: 2\n? [k]\n: 3\n")
    #expect(node["a"]?.int == 1)
    #expect(node.entries?.count == 3)
    let object = try #require(node.jsonValue as? [String: Any])
    #expect(object["a"] as? Int == 1)
    #expect(object.count == 2)
  }

  @Test("jsonValue converts nested collections to arrays and dictionaries")
  func nestedJSON() throws {
    let node = try YAMLDocument.parse(
      "items:\n  - name: a\n    tags: [x, 'y']\n    n: 1.25\n  - null\ncount: 2\n")
    let object = try #require(node.jsonValue as? [String: Any])
    #expect(object["count"] as? Int == 2)
    let items = try #require(object["items"] as? [Any])
    #expect(items.count == 2)
    #expect(items[1] is NSNull)
    let first = try #require(items[0] as? [String: Any])
    #expect(first["tags"] as? [String] == ["x", "y"])
    #expect(first["n"] as? Double == 1.25)
    let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    #expect(
      String(decoding: json, as: UTF8.self)
        == #"{"count":2,"items":[{"n":1.25,"name":"a","tags":["x","y"]},null]}"#)
  }

  @Test("equality compares kind, text, quoting and entry order")
  func equality() {
    let a = YAMLNode.scalar("a", quoted: false)
    let b = YAMLNode.scalar("b", quoted: false)
    #expect(a != YAMLNode.scalar("a", quoted: true))
    #expect(YAMLNode.sequence([a, b]) != .sequence([b, a]))
    #expect(YAMLNode.mapping([(key: a, value: b)]) == .mapping([(key: a, value: b)]))
    #expect(
      YAMLNode.mapping([(key: a, value: b), (key: b, value: a)])
        != .mapping([(key: b, value: a), (key: a, value: b)]))
    #expect(
      YAMLNode.mapping([(key: a, value: b)]) != .mapping([(key: a, value: b), (key: a, value: b)]))
    #expect(YAMLNode.sequence([]) != .mapping([]))
  }

  private func describe(_ value: Any) -> String {
    switch value {
    case is NSNull: "null"
    case let value as Bool: "bool \(value)"
    case let value as Int: "int \(value)"
    case let value as Double: "double \(value)"
    case let value as String: "string \(value)"
    default: "other \(value)"
    }
  }
}
