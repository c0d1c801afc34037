import Testing
import YAML

@Suite("YAMLDocument limits for hostile input")
struct YAMLLimitsTests {
  /// Nine levels of nine-fold aliases: about 387 million nodes once expanded.
  static let billionLaughs = """
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """

  @Test("an alias bomb is refused once its expansion passes the node limit")
  func aliasBomb() {
    #expect {
      try YAMLDocument.parse(Self.billionLaughs)
    } throws: { error in
      guard let error = error as? YAMLError else { return false }
      return error.code == .tooManyNodes && error.line > 0
    }
  }

  @Test("the node limit counts every alias use, and documents within it parse")
  func nodeLimit() throws {
    // 1 mapping + 2 keys + a sequence of 3 scalars (4 nodes) + its alias (4 more) = 11 nodes.
    let text = "a: &x [1, 2, 3]\nb: *x\n"
    #expect(try YAMLDocument.parse(text, maxNodes: 11)["b"]?.array?.count == 3)
    #expect(throws: YAMLError.self) { try YAMLDocument.parse(text, maxNodes: 10) }
  }

  @Test("input larger than maxBytes is refused before parsing")
  func sizeLimit() throws {
    let text = "key: " + String(repeating: "x", count: 100)
    #expect(try YAMLDocument.parse(text, maxBytes: 105)["key"]?.string?.count == 100)
    #expect {
      try YAMLDocument.parse(text, maxBytes: 104)
    } throws: { error in
      (error as? YAMLError)?.code == .tooLarge
    }
    #expect {
      try YAMLDocument.parse(bytes: Array(text.utf8), maxBytes: 104)
    } throws: { error in
      (error as? YAMLError)?.code == .tooLarge
    }
  }

  @Test("512 nested collections parse and 513 are refused", arguments: [true, false])
  func depthLimit(flow: Bool) throws {
    func nested(_ depth: Int) -> String {
      if flow {
        return String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
      }
      return (0..<depth).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")
        + " leaf\n"
    }
    var node = try YAMLDocument.parse(nested(512))
    var levels = 0
    while let child = node.array?.first ?? node["k"] {
      levels += 1
      node = child
    }
    #expect(levels == (flow ? 511 : 512))
    #expect {
      try YAMLDocument.parse(nested(513))
    } throws: { error in
      (error as? YAMLError)?.code == .tooDeep
    }
  }

  @Test("nesting reached through aliases counts toward the depth limit")
  func depthThroughAliases() throws {
    let text = "a: &a [[[x]]]\nb: [[*a]]\n"
    // b's value is 2 levels plus a's 3, inside the root mapping: 6 in all.
    #expect(
      try YAMLDocument.parse(text, maxDepth: 6)["b"]?.array?.first?.array?.first
        == .sequence([.sequence([.sequence([.scalar("x", quoted: false)])])]))
    #expect {
      try YAMLDocument.parse(text, maxDepth: 5)
    } throws: { error in
      let error = error as? YAMLError
      return error?.code == .tooDeep && error?.line == 2
    }
  }

  @Test("a very deep flow document is refused without exhausting the stack")
  func hostileNesting() {
    let text = String(repeating: "[", count: 1_000_000)
    #expect {
      try YAMLDocument.parse(text)
    } throws: { error in
      (error as? YAMLError)?.code == .tooDeep
    }
  }
}
