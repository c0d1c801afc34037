import Crypto
import Foundation

/// What a caller may do. Raw values are the words used in the tokens file.
public enum Role: String, Sendable, CaseIterable, Comparable {
  /// May read jobs, events and metrics.
  case reader
  /// May also create, cancel and retry migrations.
  case `operator`
  /// May do everything.
  case admin

  private var rank: Int { Role.allCases.firstIndex(of: self)! }
  public static func < (l: Role, r: Role) -> Bool { l.rank < r.rank }
}

/// An authenticated caller; `name` is what jobs record as `requestedBy`.
public struct Principal: Sendable, Equatable {
  public var name: String
  public var role: Role
  public init(name: String, role: Role) {
    self.name = name
    self.role = role
  }
}

/// API tokens read from a file of `NAME ROLE TOKEN` lines (`#` starts a comment). Only SHA-256
/// digests of the tokens are kept, and presented tokens are compared in constant time.
public struct TokenFile: Sendable {
  struct Entry: Sendable {
    let principal: Principal
    let digest: [UInt8]
  }
  let entries: [Entry]

  /// Parses the file's text. Errors name the line, never the token.
  public init(contents: String) throws(ConfigurationError) {
    var entries: [Entry] = []
    var names = Set<String>()
    var digests = Set<[UInt8]>()
    for (index, rawLine) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if fields.isEmpty { continue }
      let location = "tokens file line \(index + 1)"
      guard fields.count == 3 else { throw ConfigurationError("\(location): expected 'NAME ROLE TOKEN'") }
      let name = String(fields[0])
      guard name.utf8.count <= 128, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@:-".contains($0)) })
      else { throw ConfigurationError("\(location): NAME may use letters, digits and . _ @ : - (at most 128)") }
      guard let role = Role(rawValue: String(fields[1])) else {
        throw ConfigurationError("\(location): ROLE must be reader, operator or admin")
      }
      let token = Array(fields[2].utf8)
      guard token.count >= 16 else { throw ConfigurationError("\(location): TOKEN must be at least 16 characters") }
      let digest = SHA256.hash(token)
      guard names.insert(name).inserted else { throw ConfigurationError("\(location): NAME \(name) appears twice") }
      guard digests.insert(digest).inserted else { throw ConfigurationError("\(location): the same TOKEN appears twice") }
      entries.append(Entry(principal: Principal(name: name, role: role), digest: digest))
    }
    guard !entries.isEmpty else { throw ConfigurationError("the tokens file has no tokens") }
    self.entries = entries
  }

  /// The caller whose token this is. Every entry is compared, so timing does not reveal which
  /// (or whether any) entry matched.
  public func principal(forToken token: String) -> Principal? {
    let digest = SHA256.hash(Array(token.utf8))
    var match: Principal?
    for entry in entries where ConstantTime.equals(entry.digest, digest) { match = entry.principal }
    return match
  }
}

/// An invalid setting; the message names the setting and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
