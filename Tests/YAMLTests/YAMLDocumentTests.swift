import Foundation
import Testing
import YAML

@Suite("YAMLDocument parsing")
struct YAMLDocumentTests {
  @Test("a kubeconfig's clusters, contexts and users lists parse into nested mappings")
  func kubeconfig() throws {
    let text = """
      apiVersion: v1
      kind: Config
      current-context: dev
      clusters:
      - name: dev-cluster
        cluster:
          server: https://10.0.0.1:6443
          certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
      - name: prod-cluster
        cluster:
          server: "https://prod.example.com"
          insecure-skip-tls-verify: true
      contexts:
      - name: dev
        context:
          cluster: dev-cluster
          user: dev-user
          namespace: default
      users:
      - name: dev-user
        user:
          token: abc.def.ghi
      """
    let config = try YAMLDocument.parse(text)
    #expect(config["kind"]?.string == "Config")
    #expect(config["current-context"]?.string == "dev")

    let clusters = try #require(config["clusters"]?.array)
    #expect(clusters.count == 2)
    #expect(clusters[0]["name"]?.string == "dev-cluster")
    #expect(clusters[0]["cluster"]?["server"]?.string == "https://10.0.0.1:6443")
    #expect(
      clusters[0]["cluster"]?["certificate-authority-data"]?.string
        == "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==")
    #expect(clusters[1]["cluster"]?["server"] == .scalar("https://prod.example.com", quoted: true))
    #expect(clusters[1]["cluster"]?["insecure-skip-tls-verify"]?.bool == true)

    let context = try #require(config["contexts"]?.array?.first)
    #expect(context["context"]?["user"]?.string == "dev-user")
    #expect(config["users"]?.array?.first?["user"]?["token"]?.string == "abc.def.ghi")

    let keys = try #require(config.entries).compactMap { $0.key.string }
    #expect(keys == ["apiVersion", "kind", "current-context", "clusters", "contexts", "users"])
  }

  @Test("an OpenAPI document keeps $ref keys, quoted strings and key order")
  func openAPI() throws {
    let text = """
      openapi: "3.1.0"
      info:
        title: 'podhop API'
        version: "1.0"
      paths:
        /migrations/{id}:
          get:
            parameters:
              - $ref: '#/components/parameters/MigrationID'
            responses:
              "200":
                description: The migration
                content:
                  application/json:
                    schema:
                      $ref: "#/components/schemas/Migration"
              '404':
                $ref: '#/components/responses/NotFound'
      """
    let spec = try YAMLDocument.parse(text)
    #expect(spec["openapi"] == .scalar("3.1.0", quoted: true))
    #expect(spec["info"]?["version"]?.string == "1.0")
    #expect(spec["info"]?["version"]?.jsonValue as? String == "1.0")
    let get = try #require(spec["paths"]?["/migrations/{id}"]?["get"])
    #expect(
      get["parameters"]?.array?.first?["$ref"]?.string == "#/components/parameters/MigrationID")
    let responses = try #require(get["responses"]?.entries)
    #expect(responses.map(\.key) == [.scalar("200", quoted: true), .scalar("404", quoted: true)])
    #expect(
      responses[0].value["content"]?["application/json"]?["schema"]?["$ref"]?.string
        == "#/components/schemas/Migration")
    #expect(responses[1].value["$ref"]?.string == "#/components/responses/NotFound")
  }

  @Test("literal and folded block scalars keep their text and count as quoted")
  func blockScalars() throws {
    let text = """
      script: |
        set -e
        echo "hi"
      folded: >
        one
        two
      kept: |+
        end

      stripped: |-
        no newline
      """
    let node = try YAMLDocument.parse(text)
    #expect(node["script"] == .scalar("set -e\necho \"hi\"\n", quoted: true))
    #expect(node["folded"]?.string == "one two\n")
    #expect(node["kept"]?.string == "end\n\n")
    #expect(node["stripped"]?.string == "no newline")
  }

  @Test("flow mappings and sequences parse like block ones")
  func flowStyle() throws {
    let node = try YAMLDocument.parse("{a: 1, b: [x, y], c: {}, d: []}")
    #expect(
      node
        == .mapping([
          (key: .scalar("a", quoted: false), value: .scalar("1", quoted: false)),
          (
            key: .scalar("b", quoted: false),
            value: .sequence([.scalar("x", quoted: false), .scalar("y", quoted: false)])
          ),
          (key: .scalar("c", quoted: false), value: .mapping([])),
          (key: .scalar("d", quoted: false), value: .sequence([])),
        ]))
    #expect(node["a"]?.int == 1)
    #expect(node["b"]?.array?.compactMap(\.string) == ["x", "y"])
  }

  @Test("aliases resolve to a copy of their anchored node")
  func anchorsAndAliases() throws {
    let text = """
      defaults: &defaults
        image: busybox
        pull: [always, never]
      name: &name web
      first: *defaults
      second:
        settings: *defaults
        label: *name
      """
    let node = try YAMLDocument.parse(text)
    let defaults = try #require(node["defaults"])
    #expect(node["first"] == defaults)
    #expect(node["second"]?["settings"] == defaults)
    #expect(node["second"]?["label"] == .scalar("web", quoted: false))
    #expect(node["first"]?["pull"]?.array?.count == 2)
  }

  @Test(
    "an alias to an anchor not yet defined, even its own node's, is an error with a position",
    arguments: [("a: 1\nb: *missing\n", 2, 4), ("a: &a [1, *a]\n", 1, 11)])
  func unknownAlias(text: String, line: Int, column: Int) {
    #expect {
      try YAMLDocument.parse(text)
    } throws: { error in
      let error = error as? YAMLError
      return error?.code == .unknownAlias && error?.line == line && error?.column == column
    }
  }

  @Test(
    "an empty stream or empty document is a null scalar",
    arguments: ["", "   \n", "# only a comment\n", "---\n", "---\n...\n"])
  func emptyDocument(text: String) throws {
    let node = try YAMLDocument.parse(text)
    #expect(node == .scalar("", quoted: false))
    #expect(node.isNull)
    #expect(node.jsonValue is NSNull)
  }

  @Test("only the first of several documents is returned")
  func firstDocument() throws {
    let node = try YAMLDocument.parse("---\nfirst: 1\n---\nsecond: 2\n")
    #expect(node["first"]?.int == 1)
    #expect(node["second"] == nil)
  }

  @Test(
    "malformed input is an error naming the line and column",
    arguments: [
      ("a: b\n  c: d\n", 2),
      ("key: [unclosed\nother: 1\n", 2),
      ("a: 1\nb: 2\n- c\n", 3),
      ("x: \"unterminated\n", 2),
      ("a:\n\tb: 1\n", 2),
    ])
  func malformed(text: String, line: Int) {
    #expect {
      try YAMLDocument.parse(text)
    } throws: { error in
      guard let error = error as? YAMLError else { return false }
      return error.code == .malformed && error.line == line && error.column > 0
        && error.description.contains("line \(line)")
    }
  }

  @Test("bytes with a UTF-16 byte-order mark parse like UTF-8 text")
  func utf16Bytes() throws {
    let text = "name: café\n"
    var bytes: [UInt8] = [0xFF, 0xFE]
    for unit in text.utf16 {
      bytes.append(UInt8(truncatingIfNeeded: unit))
      bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
    }
    #expect(try YAMLDocument.parse(bytes: bytes)["name"]?.string == "café")
    #expect(try YAMLDocument.parse(bytes: Array(text.utf8))["name"]?.string == "café")
  }

  @Test("invalid UTF-8 is a malformed-input error")
  func invalidUTF8() {
    #expect {
      try YAMLDocument.parse(bytes: Array("a: ".utf8) + [0xC3, 0x28] + Array("\n".utf8))
    } throws: { error in
      (error as? YAMLError)?.code == .malformed
    }
  }
}
