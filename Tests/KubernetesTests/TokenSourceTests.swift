import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite("TokenSource")
struct TokenSourceTests {
  /// Rewrites `path` and sets its modification time explicitly, so the test does not depend on
  /// the file system's timestamp resolution.
  static func rewrite(_ path: String, _ text: String, modified: Date) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
  }

  @Test("A rewritten file with a newer mtime yields the new token on the next call")
  func rotation() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("token")
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    try Self.rewrite(path, "token-one\n", modified: start)
    let source = TokenSource(file: path)
    #expect(try source.current() == "token-one")
    #expect(try source.current() == "token-one")
    // Same length, so only the modification time tells the change.
    try Self.rewrite(path, "token-two\n", modified: start.addingTimeInterval(5))
    #expect(try source.current() == "token-two")
  }

  @Test("An unchanged mtime and size keep the cached token until the refresh interval passes")
  func refreshInterval() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("token")
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    try Self.rewrite(path, "token-one", modified: start)
    let cached = TokenSource(file: path)
    let eager = TokenSource(file: path, refreshInterval: .zero)
    #expect(try cached.current() == "token-one")
    #expect(try eager.current() == "token-one")
    try Self.rewrite(path, "token-two", modified: start)
    #expect(try cached.current() == "token-one")
    #expect(try eager.current() == "token-two")
  }

  @Test("A missing or empty file is a configuration error; after a good read the last token is kept")
  func failures() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("token")
    let missing = #expect(throws: KubernetesError.self) { try TokenSource(file: path).current() }
    #expect(missing?.code == .configuration)
    #expect(missing?.message.contains(path) == true)

    try " \n".write(toFile: path, atomically: true, encoding: .utf8)
    let empty = #expect(throws: KubernetesError.self) { try TokenSource(file: path).current() }
    #expect(empty?.message.contains("is empty") == true)

    try "good".write(toFile: path, atomically: true, encoding: .utf8)
    let source = TokenSource(file: path)
    #expect(try source.current() == "good")
    try FileManager.default.removeItem(atPath: path)
    #expect(try source.current() == "good")
  }

  @Test("A fixed token never changes")
  func fixed() throws {
    let source = TokenSource(token: "abc")
    #expect(try source.current() == "abc")
    #expect(source.file == nil)
  }
}
