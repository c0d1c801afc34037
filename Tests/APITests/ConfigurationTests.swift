import API
import App
import Foundation
import Testing

@Suite("podhop serve configuration")
struct ConfigurationTests {
  @Test("flags override environment variables, which override defaults")
  func precedence() throws {
    let configuration = try ServeConfiguration.parse(
      arguments: ["--workers", "8", "--listen=0.0.0.0:9000"],
      environment: ["PODHOP_WORKERS": "3", "PODHOP_TOKENS_FILE": "/t", "PODHOP_NODE_LIMIT": "0", "PODHOP_DATABASE": "/d.db"])
    #expect(configuration.pool.width == 8 && configuration.http.host == "0.0.0.0" && configuration.http.port == 9000)
    #expect(configuration.tokensFile == "/t" && configuration.databasePath == "/d.db" && configuration.pool.nodeLimit == nil)
  }

  @Test(
    "an invalid setting is refused naming the setting",
    arguments: [
      (["--workers", "0"], "--workers"), (["--listen", "localhost"], "--listen"), (["--bogus", "1"], "--bogus"),
      (["--lease-seconds", "abc"], "--lease-seconds"), (["--log-level", "loud"], "--log-level"), (["--workers"], "--workers"),
    ])
  func invalid(arguments: [String], setting: String) {
    #expect {
      _ = try ServeConfiguration.parse(arguments: arguments, environment: ["PODHOP_TOKENS_FILE": "/t"])
    } throws: { ($0 as? ConfigurationError)?.description.contains(setting) == true }
  }

  @Test("the tokens file is required")
  func tokensRequired() {
    #expect(throws: ConfigurationError.self) { _ = try ServeConfiguration.parse(arguments: [], environment: [:]) }
  }

  @Test("README's configuration table lists every setting with its variable and default, as --help does")
  func readmeTable() throws {
    let readme = try String(contentsOf: OpenAPIDriftTests.packageRoot.appending(path: "README.md"), encoding: .utf8)
    for setting in ServeConfiguration.settings {
      #expect(
        readme.contains("| `\(setting.flag) \(setting.placeholder)` | `\(setting.environment)` | \(setting.defaultValue) |"),
        "\(setting.flag)")
      #expect(ServeConfiguration.help.contains(setting.flag) && ServeConfiguration.help.contains(setting.environment))
    }
  }

  @Test("token files: roles, comments, and errors that name the line but never the token")
  func tokenFile() throws {
    let tokens = try TokenFile(contents: "# comment\n\nops operator abcdefghijklmnop # trailing\n")
    #expect(tokens.principal(forToken: "abcdefghijklmnop") == Principal(name: "ops", role: .operator))
    #expect(tokens.principal(forToken: "abcdefghijklmnoq") == nil)
    #expect { _ = try TokenFile(contents: "a writer secret-secret-secret") } throws: {
      let text = String(describing: $0)
      return text.contains("line 1") && !text.contains("secret-secret-secret")
    }
    #expect(throws: ConfigurationError.self) { _ = try TokenFile(contents: "a reader short") }
    #expect(throws: ConfigurationError.self) {
      _ = try TokenFile(contents: "a reader 0123456789abcdef\nb admin 0123456789abcdef")
    }
  }
}
