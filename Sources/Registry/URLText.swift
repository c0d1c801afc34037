/// Small URL text helpers for registry paths, queries and Location headers.
enum URLText {
  /// Percent-encodes everything but RFC 3986 unreserved characters.
  static func percentEncoded(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
      if (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "-._~".utf8.contains(byte) {
        result.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return result
  }

  /// `a=1&b=2` with percent-encoded names and values.
  static func formEncoded(_ pairs: [(String, String)]) -> String {
    pairs.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
  }

  /// `scheme://host:port/path` without query, for messages (queries can carry upload state).
  static func hostAndPath(_ url: String) -> String {
    String(url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
  }

  /// Resolves a `Location` header against the URL of the request that returned it.
  static func resolve(_ location: String, against requestURL: String) -> String {
    let lower = location.lowercased()
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return location }
    // scheme://authority
    guard let schemeEnd = requestURL.range(of: "://") else { return location }
    let afterScheme = requestURL[schemeEnd.upperBound...]
    let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
    let origin = String(requestURL[..<authorityEnd])
    if location.hasPrefix("//") { return String(requestURL[..<schemeEnd.upperBound]) + location.dropFirst(2) }
    if location.hasPrefix("/") { return origin + location }
    // Relative path: replace the last segment of the request's path.
    let path = hostAndPath(String(afterScheme[authorityEnd...]))
    let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
    return origin + directory + location
  }

  /// Appends `name=value` to a URL that may already have a query.
  static func appendingQuery(_ url: String, _ name: String, _ value: String) -> String {
    url + (url.contains("?") ? "&" : "?") + percentEncoded(name) + "=" + percentEncoded(value)
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
