import API
import Core
import Foundation
import NodeAgent

extension AgentConfiguration {
  /// Every setting of `podhop agent`. docs/operations.md's agent table lists the same (a test checks).
  public static let settings: [Setting] =
    [
      .listen(environment: "PODHOP_AGENT_LISTEN", defaultValue: "0.0.0.0:9443", what: "the agent", \.http),
      Setting(
        flag: "--token-file", environment: "PODHOP_AGENT_TOKEN_FILE", placeholder: "PATH", defaultValue: "(required)",
        help: "File holding the one token the agent accepts (at least 16 characters)."
      ) { c, v throws(ConfigurationError) in c.tokenFile = v },
      Setting(
        flag: "--checkpoint-dir", environment: "PODHOP_AGENT_CHECKPOINT_DIR", placeholder: "PATH",
        defaultValue: "/var/lib/kubelet/checkpoints",
        help: "The kubelet's checkpoint directory on this node, mounted."
      ) { c, v throws(ConfigurationError) in
        guard !v.isEmpty else { throw ConfigurationError("--checkpoint-dir must not be empty") }
        c.checkpointDirectory = v
      },
      Setting(
        flag: "--tls-cert-file", environment: "PODHOP_AGENT_TLS_CERT_FILE", placeholder: "PATH", defaultValue: "(plain HTTP)",
        help: "PEM certificate to serve HTTPS with (with --tls-key-file); it must name the pod IP."
      ) { c, v throws(ConfigurationError) in c.tlsCertificateFile = v },
      Setting(
        flag: "--tls-key-file", environment: "PODHOP_AGENT_TLS_KEY_FILE", placeholder: "PATH", defaultValue: "(none)",
        help: "PEM private key of --tls-cert-file."
      ) { c, v throws(ConfigurationError) in c.tlsKeyFile = v },
    ]
    + RegistryAccess.settings(
      \.registry,
      authFileHelp: "containers auth.json or docker config.json with the registry's credentials (read for each publication).")
    + [
      Setting(
        flag: "--retention-max-age", environment: "PODHOP_AGENT_RETENTION_MAX_AGE", placeholder: "DURATION", defaultValue: "24h",
        help: "Archives older than this are deleted (s, m, h or d suffix; 0: no age limit)."
      ) { c, v throws(ConfigurationError) in
        let seconds = try duration(v, "--retention-max-age")
        c.retention.maxAge = seconds == 0 ? nil : seconds
      },
      Setting(
        flag: "--retention-max-bytes", environment: "PODHOP_AGENT_RETENTION_MAX_BYTES", placeholder: "BYTES",
        defaultValue: "10Gi",
        help: "Most bytes of archives kept on this node; the oldest go first (Ki, Mi, Gi or Ti suffix; 0: no limit)."
      ) { c, v throws(ConfigurationError) in
        let bytes = try byteCount(v, "--retention-max-bytes")
        c.retention.maxBytes = bytes == 0 ? nil : bytes
      },
      Setting(
        flag: "--retention-interval", environment: "PODHOP_AGENT_RETENTION_INTERVAL", placeholder: "DURATION", defaultValue: "5m",
        help: "How often the retention policy is applied."
      ) { c, v throws(ConfigurationError) in
        let seconds = try duration(v, "--retention-interval")
        guard seconds >= 0.1 else { throw ConfigurationError("--retention-interval must be at least 0.1s") }
        c.retentionInterval = .milliseconds(Int64(seconds * 1000))
      },
      .logLevel(\.logLevel),
    ]

  /// Seconds in `text`: a number with an optional s, m, h or d suffix.
  static func duration(_ text: String, _ flag: String) throws(ConfigurationError) -> TimeInterval {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    let (number, unit) = text.last.flatMap { units[$0] }.map { (String(text.dropLast()), $0) } ?? (text, 1)
    guard let value = Double(number), value.isFinite, value >= 0, value * unit <= 365 * 86_400 else {
      throw ConfigurationError("\(flag) must be a duration such as 90s, 30m, 24h or 7d (got '\(text)')")
    }
    return value * unit
  }

  /// Bytes in `text`: an integer with an optional Ki, Mi, Gi or Ti suffix.
  static func byteCount(_ text: String, _ flag: String) throws(ConfigurationError) -> Int64 {
    let units: [String: Int64] = ["Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40]
    let suffix = String(text.suffix(2))
    let (number, unit) = units[suffix].map { (String(text.dropLast(2)), $0) } ?? (text, 1)
    guard let value = Int64(number), value >= 0, value <= Int64.max / unit else {
      throw ConfigurationError("\(flag) must be a byte count such as 500Mi or 20Gi (got '\(text)')")
    }
    return value * unit
  }
}
