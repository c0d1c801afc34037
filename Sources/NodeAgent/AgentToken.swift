import API
import Crypto
import Foundation

/// The bearer token the agent accepts (and the controller sends), read from a file holding it
/// alone (a mounted Secret key). Only its SHA-256 is kept; requests are compared in constant time.
public struct AgentToken: Sendable {
  private let digest: [UInt8]

  /// Reads and checks the token file: one token of at least 16 printable characters.
  public init(file: String) throws(ConfigurationError) {
    guard let data = FileManager.default.contents(atPath: file) else {
      throw ConfigurationError("cannot read the agent token file \(file)")
    }
    let token = try Self.token(String(decoding: data, as: UTF8.self), file: file)
    digest = SHA256.hash(Array(token.utf8))
  }

  /// The token in `text` (surrounding whitespace removed), checked.
  static func token(_ text: String, file: String) throws(ConfigurationError) -> String {
    let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
      throw ConfigurationError(
        "the agent token in \(file) must be one word of at least 16 printable ASCII characters")
    }
    return token
  }

  /// Reads the token to send from `file`.
  public static func read(file: String) throws(ConfigurationError) -> String {
    guard let data = FileManager.default.contents(atPath: file) else {
      throw ConfigurationError("cannot read the agent token file \(file)")
    }
    return try token(String(decoding: data, as: UTF8.self), file: file)
  }

  /// Whether `authorization` (an `Authorization` header value) carries this token.
  public func accepts(authorization: String?) -> Bool {
    guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
    let presented = authorization.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
    return ConstantTime.equals(SHA256.hash(Array(presented.utf8)), digest)
  }
}
