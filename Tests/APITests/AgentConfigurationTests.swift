import API
import App
import Foundation
import Testing

@Suite("podhop agent configuration")
struct AgentConfigurationTests {
  @Test("defaults, environment and flags: flags win; durations and byte counts take units; 0 turns a limit off")
  func parsing() throws {
    let defaults = try AgentConfiguration.parse(arguments: ["--token-file", "/t"], environment: [:])
    #expect(defaults.http.host == "0.0.0.0" && defaults.http.port == 9443)
    #expect(defaults.checkpointDirectory == "/var/lib/kubelet/checkpoints")
    #expect(defaults.retention.maxAge == 86_400 && defaults.retention.maxBytes == 10 << 30)

    let configuration = try AgentConfiguration.parse(
      arguments: ["--retention-max-age=90m", "--retention-max-bytes", "500Mi", "--listen", "127.0.0.1:0"],
      environment: [
        "PODHOP_AGENT_TOKEN_FILE": "/t", "PODHOP_AGENT_RETENTION_MAX_AGE": "7d", "PODHOP_AGENT_CHECKPOINT_DIR": "/c",
        "PODHOP_AGENT_RETENTION_INTERVAL": "30s",
      ])
    #expect(configuration.retention.maxAge == 5400 && configuration.retention.maxBytes == 500 << 20)
    #expect(configuration.checkpointDirectory == "/c" && configuration.retentionInterval == .seconds(30))
    #expect(configuration.http.port == 0)
    let unlimited = try AgentConfiguration.parse(
      arguments: ["--token-file", "/t", "--retention-max-age", "0", "--retention-max-bytes", "0"], environment: [:])
    #expect(unlimited.retention.maxAge == nil && unlimited.retention.maxBytes == nil)
  }

  @Test(
    "an invalid setting is refused naming the setting",
    arguments: [
      (["--retention-max-age", "soon"], "--retention-max-age"), (["--retention-max-bytes", "10GB"], "--retention-max-bytes"),
      (["--listen", "9443"], "--listen"), (["--tls-cert-file", "/c"], "--tls-key-file"),
      (["--serve-forever", "1"], "--serve-forever"),
      ([], "--token-file"),
    ])
  func invalid(arguments: [String], setting: String) {
    let withToken = setting == "--token-file" ? arguments : arguments + ["--token-file", "/t"]
    #expect {
      _ = try AgentConfiguration.parse(arguments: withToken, environment: [:])
    } throws: { ($0 as? ConfigurationError)?.description.contains(setting) == true }
  }

  @Test("docs/operations.md's agent table lists every agent setting with its variable and default, as --help does")
  func operationsTable() throws {
    let doc = try String(
      contentsOf: OpenAPIDriftTests.packageRoot.appending(path: "docs/operations.md"), encoding: .utf8)
    for setting in AgentConfiguration.settings {
      #expect(
        doc.contains("| `\(setting.flag) \(setting.placeholder)` | `\(setting.environment)` | \(setting.defaultValue) |"),
        "\(setting.flag)")
      #expect(AgentConfiguration.help.contains(setting.flag) && AgentConfiguration.help.contains(setting.environment))
    }
  }
}
