import Foundation

/// An inbound webhook endpoint, `POST /v1/hooks/{name}`.
public struct Hook: Sendable {
  /// What a delivery asks for.
  public enum Kind: String, Sendable, CaseIterable {
    /// The body of `POST /v1/migrations`: one job.
    case migrate
    /// The body of `POST /v1/evacuations`: every movable pod off a node.
    case drain
  }

  public var name: String
  public var kind: Kind
  public var verifier: WebhookVerifier
}

/// The hooks read from a file of `NAME KIND SCHEME SECRET` lines (`#` starts a comment):
/// KIND is `migrate` or `drain`; SCHEME is `standard-webhooks` (SECRET `whsec_<base64>`) or `github`
/// (SECRET the shared text the sender signs with).
public struct HookFile: Sendable {
  public let hooks: [String: Hook]

  /// No hooks: every `POST /v1/hooks/...` is a 404.
  public static let none = HookFile(hooks: [:])

  init(hooks: [String: Hook]) { self.hooks = hooks }

  /// Parses the file's text. Errors name the line, never the secret.
  public init(contents: String) throws(ConfigurationError) {
    var hooks: [String: Hook] = [:]
    for (index, rawLine) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      if fields.isEmpty { continue }
      let location = "hooks file line \(index + 1)"
      guard fields.count == 4 else { throw ConfigurationError("\(location): expected 'NAME KIND SCHEME SECRET'") }
      let name = fields[0]
      guard name.utf8.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
        throw ConfigurationError("\(location): NAME may use lowercase letters, digits and - (at most 63)")
      }
      guard let kind = Hook.Kind(rawValue: fields[1]) else {
        throw ConfigurationError(
          "\(location): KIND must be one of \(Hook.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      let verifier: WebhookVerifier
      switch fields[2] {
      case "standard-webhooks":
        guard let key = WebhookVerifier.standardWebhooksKey(fields[3]) else {
          throw ConfigurationError("\(location): a standard-webhooks SECRET is whsec_ followed by base64 (24 to 64 bytes)")
        }
        verifier = .standardWebhooks(key: key)
      case "github":
        guard fields[3].utf8.count >= 16 else {
          throw ConfigurationError("\(location): a github SECRET must be at least 16 characters")
        }
        verifier = .github(key: Array(fields[3].utf8))
      default:
        throw ConfigurationError("\(location): SCHEME must be standard-webhooks or github")
      }
      guard hooks[name] == nil else { throw ConfigurationError("\(location): NAME \(name) appears twice") }
      hooks[name] = Hook(name: name, kind: kind, verifier: verifier)
    }
    self.hooks = hooks
  }
}
