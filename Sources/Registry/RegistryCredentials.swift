import Foundation

/// Credentials for one registry: a username and password (HTTP basic, also sent to a bearer
/// token server), or an identity token (an OAuth2 refresh token for the token server).
///
/// `description`, `debugDescription` and the reflection mirror redact secrets, so printing or
/// dumping credentials never shows them.
public struct RegistryCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// The username for basic auth, if any.
  public var username: String?
  /// The password for basic auth, if any.
  public var password: String?
  /// An identity (refresh) token, if any.
  public var identityToken: String?

  /// Username and password.
  public init(username: String, password: String) {
    self.username = username
    self.password = password
  }

  /// An identity token (as `docker login` stores for some registries).
  public init(identityToken: String) {
    self.identityToken = identityToken
  }

  /// Reads the entry for `registry` from a containers `auth.json` or Docker `config.json`:
  /// `{"auths": {"host:port": {"auth": base64("user:pass")}}}`; `username`/`password` and
  /// `identitytoken` fields are honoured too. Keys may carry a scheme or path
  /// (`https://host:port/v1/`). Returns `nil` when the file has no entry for `registry`.
  ///
  /// - Throws: `RegistryError` `.configuration` when the file cannot be read or parsed; the
  ///   message names the file, never its contents.
  public static func load(authFile path: String, registry: String) throws(RegistryError) -> RegistryCredentials? {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RegistryError(code: .configuration, message: "cannot read the registry credentials file \(path)")
    }
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw RegistryError(code: .configuration, message: "the registry credentials file \(path) is not a JSON object")
    }
    guard let auths = root["auths"] as? [String: Any] else { return nil }
    for (key, value) in auths where normalizedHost(key) == registry {
      guard let entry = value as? [String: Any] else {
        throw RegistryError(
          code: .configuration, message: "the entry for \(registry) in \(path) is not a JSON object")
      }
      if let token = entry["identitytoken"] as? String, !token.isEmpty {
        return RegistryCredentials(identityToken: token)
      }
      if let auth = entry["auth"] as? String, !auth.isEmpty {
        guard let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
          let colon = decoded.firstIndex(of: ":")
        else {
          throw RegistryError(
            code: .configuration,
            message: "the \"auth\" field for \(registry) in \(path) is not base64 of \"user:password\"")
        }
        return RegistryCredentials(
          username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
      }
      if let username = entry["username"] as? String, let password = entry["password"] as? String {
        return RegistryCredentials(username: username, password: password)
      }
      throw RegistryError(
        code: .configuration, message: "the entry for \(registry) in \(path) has no auth, username/password or identitytoken")
    }
    return nil
  }

  /// `https://host:port/v1/` → `host:port`.
  static func normalizedHost(_ key: String) -> String {
    var text = Substring(key)
    for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = text.dropFirst(scheme.count) }
    if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
    return String(text)
  }

  /// Which kind of credentials, without secrets.
  public var description: String {
    if identityToken != nil { return "RegistryCredentials(identityToken: <redacted>)" }
    return "RegistryCredentials(username: \(username ?? "-"), password: <redacted>)"
  }

  /// Same as `description`.
  public var debugDescription: String { description }

  /// A mirror without secrets, so `dump` does not print them.
  public var customMirror: Mirror {
    Mirror(self, children: ["kind": identityToken != nil ? "identityToken" : "basic", "username": username ?? "-"])
  }
}
