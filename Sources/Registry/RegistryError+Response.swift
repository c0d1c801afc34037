import Foundation
import HTTPClient

extension RegistryError {
  /// Builds the error for an unexpected registry response: the registry's `{"errors": [...]}`
  /// JSON becomes `CODE: message (detail)`, 401/403 name the scope, 429/5xx carry `Retry-After`.
  static func from(_ response: HTTPClientResponse, doing operation: String, scope: String?) -> RegistryError {
    let status = response.status
    let (codes, summary) = describeBody(response)
    let retryAfter = parseRetryAfter(response.headers["Retry-After"])
    let because = summary.isEmpty ? "" : ": \(summary)"
    let scopeText = scope.map { " (scope '\($0)')" } ?? ""
    switch status {
    case 401:
      return RegistryError(
        code: .unauthorized,
        message: "not authorized to \(operation)\(scopeText)\(because). Check the registry credentials.")
    case 403:
      return RegistryError(
        code: .forbidden,
        message: "denied permission to \(operation)\(scopeText)\(because). The credentials lack that access.")
    case 404:
      return RegistryError(code: .notFound, message: "not found while trying to \(operation)\(because)")
    case 429:
      return RegistryError(
        code: .rateLimited, message: "rate limited while trying to \(operation) (HTTP 429)\(because)",
        retryAfter: retryAfter)
    case 408, 425, 500...599:
      return RegistryError(
        code: .unavailable, message: "the registry failed to \(operation) (HTTP \(status))\(because)",
        retryAfter: retryAfter)
    default:
      if codes.contains("DIGEST_INVALID") {
        return RegistryError(
          code: .digestMismatch,
          message: "the registry rejected the digest while trying to \(operation)\(because)")
      }
      return RegistryError(
        code: .invalid, message: "the registry rejected the request to \(operation) (HTTP \(status))\(because)")
    }
  }

  /// The registry's error codes and a readable summary of the body (at most ~300 characters).
  private static func describeBody(_ response: HTTPClientResponse) -> (codes: [String], summary: String) {
    struct Body: Decodable {
      struct Entry: Decodable {
        var code: String?
        var message: String?
      }
      var errors: [Entry]?
    }
    if let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)), let errors = body.errors,
      !errors.isEmpty
    {
      let details = detailTexts(response.body)
      let parts = errors.enumerated().map { index, entry in
        var text = [entry.code, entry.message].compactMap { $0 }.joined(separator: ": ")
        if index < details.count, !details[index].isEmpty { text += " (\(details[index]))" }
        return text
      }
      return (errors.compactMap(\.code), truncated(parts.joined(separator: "; ")))
    }
    let text = String(decoding: response.body.prefix(300), as: UTF8.self)
      .filter { !$0.isNewline }
      .trimmingCharacters(in: .whitespaces)
    return ([], truncated(text))
  }

  /// Each error's `detail`, which may be any JSON value, as compact text.
  private static func detailTexts(_ body: [UInt8]) -> [String] {
    guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
      let errors = root["errors"] as? [[String: Any]]
    else { return [] }
    return errors.map { entry in
      guard let detail = entry["detail"], !(detail is NSNull) else { return "" }
      if let text = detail as? String { return text }
      if JSONSerialization.isValidJSONObject(detail),
        let data = try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])
      {
        return String(decoding: data, as: UTF8.self)
      }
      return "\(detail)"
    }
  }

  private static func truncated(_ text: String) -> String {
    text.count > 300 ? String(text.prefix(300)) + "…" : text
  }

  /// `Retry-After` as delta-seconds or an HTTP date.
  static func parseRetryAfter(_ value: String?) -> Duration? {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
    if let seconds = Int(value) { return .seconds(max(0, seconds)) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return .milliseconds(max(0, Int(date.timeIntervalSinceNow * 1000)))
  }

  /// A failed HTTP transfer as a registry error.
  static func transport(_ error: HTTPClientError, doing operation: String) -> RegistryError {
    switch error.code {
    case .cancelled:
      return RegistryError(code: .transport, message: "cancelled while trying to \(operation)", isRetryable: false)
    case .tls:
      return RegistryError(
        code: .transport,
        message:
          "TLS failed while trying to \(operation): \(error.message). Configure the registry's CA, or list it as a plain-HTTP registry if it serves HTTP.",
        isRetryable: false)
    default:
      return RegistryError(
        code: .transport, message: "could not \(operation): \(error.message)", isRetryable: error.isRetryable)
    }
  }
}
