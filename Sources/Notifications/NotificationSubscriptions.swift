import Core
import Crypto
import Foundation

/// A subscriber's endpoint: where to POST, the key to sign with, and the events it wants.
public struct NotificationSubscription: Sendable {
  public var name: String
  public var url: String
  public var key: [UInt8]
  public var types: Set<NotificationType>
}

/// The subscriptions read from a file of `NAME URL SECRET TYPES` lines (`#` starts a comment):
/// URL is `http://` or `https://`; SECRET is `whsec_<base64>`; TYPES is a comma-separated list
/// of notification types, or `*` for all.
public struct NotificationSubscriptions: Sendable {
  public let all: [NotificationSubscription]

  /// No subscriptions.
  public static let none = NotificationSubscriptions(all: [])

  init(all: [NotificationSubscription]) { self.all = all }

  /// What each subscription wants, as the outbox's fan-out takes it.
  public var wants: [String: Set<NotificationType>] {
    Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.types) })
  }

  /// Parses the file's text. Errors name the line, never the secret.
  public init(contents: String) throws(NotificationConfigurationError) {
    var all: [NotificationSubscription] = []
    for (index, rawLine) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      if fields.isEmpty { continue }
      let location = "notifications file line \(index + 1)"
      guard fields.count == 4 else { throw .init("\(location): expected 'NAME URL SECRET TYPES'") }
      let name = fields[0]
      guard name.utf8.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
        throw .init("\(location): NAME may use lowercase letters, digits and - (at most 63)")
      }
      guard let url = URLComponents(string: fields[1]), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false
      else { throw .init("\(location): URL must be an absolute http:// or https:// URL") }
      guard let key = StandardWebhookSignature.key(fromSecret: fields[2]) else {
        throw .init("\(location): SECRET is whsec_ followed by base64 (24 to 64 bytes)")
      }
      var types = Set<NotificationType>()
      if fields[3] == "*" {
        types = Set(NotificationType.allCases)
      } else {
        for word in fields[3].split(separator: ",") {
          guard let type = NotificationType(rawValue: String(word)) else {
            throw .init(
              "\(location): unknown type '\(word)'; TYPES is * or some of \(NotificationType.allCases.map(\.rawValue).joined(separator: ","))"
            )
          }
          types.insert(type)
        }
      }
      guard !all.contains(where: { $0.name == name }) else { throw .init("\(location): NAME \(name) appears twice") }
      all.append(NotificationSubscription(name: name, url: fields[1], key: key, types: types))
    }
    self.all = all
  }
}

/// An invalid notifications file; the message names the line.
public struct NotificationConfigurationError: Error, CustomStringConvertible, Sendable {
  public let description: String
  init(_ description: String) { self.description = description }
}
