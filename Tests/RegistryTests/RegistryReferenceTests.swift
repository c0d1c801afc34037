import Foundation
import Testing

@testable import Registry

@Suite("References, credentials files and header parsing")
struct RegistryReferenceTests {
  @Test(
    "valid references parse into parts and print back",
    arguments: [
      ("127.0.0.1:5000/podhop/counter:v1", "127.0.0.1:5000", "podhop/counter", "v1", nil),
      ("registry.example/a/b/c", "registry.example", "a/b/c", nil, nil),
      (
        "localhost/app@sha256:" + String(repeating: "ab", count: 32), "localhost", "app", nil,
        "sha256:" + String(repeating: "ab", count: 32)
      ),
      (
        "r.io:443/x__y.z-w:tag_1.0-rc@sha256:" + String(repeating: "0", count: 64), "r.io:443", "x__y.z-w", "tag_1.0-rc",
        "sha256:" + String(repeating: "0", count: 64)
      ),
    ] as [(String, String, String, String?, String?)])
  func parses(text: String, registry: String, repository: String, tag: String?, digest: String?) throws {
    let reference = try RegistryReference.parse(text)
    #expect(reference.registry == registry)
    #expect(reference.repository == repository)
    #expect(reference.tag == tag)
    #expect(reference.digest == digest)
    #expect(reference.description == text)
  }

  @Test(
    "invalid references are .configuration errors",
    arguments: [
      "counter:v1", "library/counter", "r.io:5000/UPPER/case", "r.io/a//b", "r.io/-a", "r.io/a:-tag",
      "r.io/a@sha256:abc", "r.io/", "r.io/a:",
    ])
  func rejects(text: String) {
    #expect {
      try RegistryReference.parse(text)
    } throws: { error in
      (error as? RegistryError)?.code == .configuration
    }
  }

  @Test("auth.json entries load from auth, username/password, identitytoken and scheme-prefixed keys")
  func credentialsFile() throws {
    let path = NSTemporaryDirectory() + "podhop-auth-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let encoded = Data("robot:pa:ss".utf8).base64EncodedString()
    let json = """
      {"auths": {
        "127.0.0.1:5000": {"auth": "\(encoded)"},
        "https://registry.example/v1/": {"username": "u", "password": "p"},
        "token.example": {"identitytoken": "id-tok"}
      }}
      """
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    let basic = try #require(try RegistryCredentials.load(authFile: path, registry: "127.0.0.1:5000"))
    #expect(basic.username == "robot")
    #expect(basic.password == "pa:ss")
    #expect(try RegistryCredentials.load(authFile: path, registry: "registry.example")?.password == "p")
    #expect(try RegistryCredentials.load(authFile: path, registry: "token.example")?.identityToken == "id-tok")
    #expect(try RegistryCredentials.load(authFile: path, registry: "other:1") == nil)
    // Printing or dumping credentials never shows the secret.
    #expect(!"\(basic)".contains("pa:ss"))
    var dumped = ""
    dump(basic, to: &dumped)
    #expect(!dumped.contains("pa:ss"))
  }

  @Test("an unreadable or malformed credentials file is a .configuration error naming the file")
  func badCredentialsFile() throws {
    let path = NSTemporaryDirectory() + "podhop-auth-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: RegistryError.self) { try RegistryCredentials.load(authFile: path, registry: "r.io") }
    try "not json secret-ish".write(toFile: path, atomically: true, encoding: .utf8)
    let error = #expect(throws: RegistryError.self) { try RegistryCredentials.load(authFile: path, registry: "r.io") }
    #expect(error?.code == .configuration)
    #expect(error?.message.contains(path) == true)
    #expect(error?.message.contains("secret-ish") == false)
  }

  @Test("WWW-Authenticate challenges parse, quoted commas included")
  func challenges() {
    let bearer = AuthenticationChallenge.parse(
      #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#)
    #expect(bearer?.scheme == "bearer")
    #expect(bearer?.parameters["realm"] == "https://auth.example/token")
    #expect(bearer?.parameters["scope"] == "repository:a/b:pull,push")
    #expect(AuthenticationChallenge.parse(#"Basic realm="Registry Realm""#)?.parameters["realm"] == "Registry Realm")
  }

  @Test("Location headers resolve against the request URL; digest appends to an existing query")
  func locations() {
    let request = "http://127.0.0.1:5000/v2/a/blobs/uploads/"
    #expect(
      URLText.resolve("/v2/a/blobs/uploads/u?_state=x", against: request) == "http://127.0.0.1:5000/v2/a/blobs/uploads/u?_state=x"
    )
    #expect(URLText.resolve("u?_state=x", against: request) == "http://127.0.0.1:5000/v2/a/blobs/uploads/u?_state=x")
    #expect(URLText.resolve("https://other/x", against: request) == "https://other/x")
    #expect(URLText.appendingQuery("http://h/u?_state=x", "digest", "sha256:ab") == "http://h/u?_state=x&digest=sha256%3Aab")
    #expect(URLText.appendingQuery("http://h/u", "digest", "sha256:ab") == "http://h/u?digest=sha256%3Aab")
  }

  @Test("Retry-After parses delta-seconds and HTTP dates")
  func retryAfter() {
    #expect(RegistryError.parseRetryAfter("7") == .seconds(7))
    #expect(RegistryError.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == .zero)
    #expect(RegistryError.parseRetryAfter("soon") == nil)
  }
}
