/// A parsed `labelSelector` or `fieldSelector`: requirements that must all hold.
///
/// Supports `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated.
struct Selector: Sendable {
  enum Requirement: Sendable {
    case equals(String, String)
    case notEquals(String, String)
    case exists(String)
    case notExists(String)
    case isIn(String, [String])
    case notIn(String, [String])

    var key: String {
      switch self {
      case .equals(let key, _), .notEquals(let key, _), .exists(let key), .notExists(let key), .isIn(let key, _),
        .notIn(let key, _):
        key
      }
    }
  }

  var requirements: [Requirement] = []

  init(_ text: String?) throws(APIStatus) {
    guard let text, !text.isEmpty else { return }
    for term in Self.splitTerms(text) {
      let term = term.trimming(" ")
      if term.isEmpty { continue }
      if let range = term.range(of: " notin ") ?? term.range(of: " in ") {
        let key = term[..<range.lowerBound].trimming(" ")
        let list = term[range.upperBound...].trimming(" ")
        guard list.hasPrefix("("), list.hasSuffix(")") else {
          throw APIStatus.badRequest("unable to parse requirement: found '\(list)', expected: '('")
        }
        let values = list.dropFirst().dropLast().split(separator: ",").map { $0.trimming(" ") }
        requirements.append(term[range].contains("notin") ? .notIn(key, values) : .isIn(key, values))
      } else if let range = term.range(of: "!=") {
        requirements.append(.notEquals(String(term[..<range.lowerBound]), String(term[range.upperBound...])))
      } else if let range = term.range(of: "==") ?? term.range(of: "=") {
        requirements.append(.equals(String(term[..<range.lowerBound]), String(term[range.upperBound...])))
      } else if term.hasPrefix("!") {
        requirements.append(.notExists(String(term.dropFirst())))
      } else {
        requirements.append(.exists(term))
      }
    }
  }

  /// Whether `fields` (label map, or field path → value) satisfies every requirement.
  func matches(_ fields: [String: String]) -> Bool {
    requirements.allSatisfy { requirement in
      switch requirement {
      case .equals(let key, let value): fields[key] == value
      case .notEquals(let key, let value): fields[key] != value
      case .exists(let key): fields[key] != nil
      case .notExists(let key): fields[key] == nil
      case .isIn(let key, let values): fields[key].map(values.contains) ?? false
      case .notIn(let key, let values): !(fields[key].map(values.contains) ?? false)
      }
    }
  }

  /// Field selectors accept only `=`, `==`, `!=` on the supported fields.
  func checkFields(_ supported: [String]) throws(APIStatus) {
    for requirement in requirements {
      switch requirement {
      case .equals, .notEquals:
        guard supported.contains(requirement.key) else {
          throw APIStatus.badRequest("field label not supported: \(requirement.key)")
        }
      default:
        throw APIStatus.badRequest("invalid field selector: \(requirement.key)")
      }
    }
  }

  /// Splits on commas outside parentheses.
  private static func splitTerms(_ text: String) -> [String] {
    var terms: [String] = []
    var current = ""
    var depth = 0
    for character in text {
      if character == "(" { depth += 1 }
      if character == ")" { depth -= 1 }
      if character == "," && depth == 0 {
        terms.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    terms.append(current)
    return terms
  }
}

extension StringProtocol {
  func trimming(_ character: Character) -> String {
    var text = Substring(self)
    while text.first == character { text = text.dropFirst() }
    while text.last == character { text = text.dropLast() }
    return String(text)
  }
}
