/// One challenge from a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"` or
/// `Basic realm="…"`.
struct AuthenticationChallenge: Equatable {
  /// Lowercased scheme, e.g. `bearer`, `basic`.
  var scheme: String
  /// Parameters with lowercased names; quoted values unquoted.
  var parameters: [String: String]

  /// Parses a header value holding one challenge; `nil` if it has no scheme.
  static func parse(_ header: String) -> AuthenticationChallenge? {
    var rest = Substring(header).drop(while: { $0 == " " })
    let scheme = rest.prefix(while: { $0 != " " })
    guard !scheme.isEmpty else { return nil }
    rest = rest.dropFirst(scheme.count)
    var parameters: [String: String] = [:]
    while true {
      rest = rest.drop(while: { $0 == " " || $0 == "," })
      guard let equals = rest.firstIndex(of: "=") else { break }
      let name = rest[..<equals].trimmingSpaces().lowercased()
      rest = rest[rest.index(after: equals)...].drop(while: { $0 == " " })
      var value = ""
      if rest.first == "\"" {
        rest = rest.dropFirst()
        var escaped = false
        while let character = rest.first {
          rest = rest.dropFirst()
          if escaped {
            value.append(character)
            escaped = false
          } else if character == "\\" {
            escaped = true
          } else if character == "\"" {
            break
          } else {
            value.append(character)
          }
        }
      } else {
        value = String(rest.prefix(while: { $0 != "," })).trimmingSpaces()
        rest = rest.drop(while: { $0 != "," })
      }
      parameters[name] = value
    }
    return AuthenticationChallenge(scheme: scheme.lowercased(), parameters: parameters)
  }
}

extension StringProtocol {
  fileprivate func trimmingSpaces() -> String {
    String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}
