import Foundation
import HTTPClient

extension KubernetesError {
  /// The longest server text kept in `message`; an HTML error page from a proxy would otherwise
  /// end up whole in job records.
  static let maxMessageBytes = 2048

  /// Builds the error for a response with a status podhop did not expect.
  ///
  /// - Parameters:
  ///   - operation: `METHOD /path`, without the query.
  ///   - secret: the bearer token sent, scrubbed from the message should the server echo it.
  init(
    status: Int, headers: ResponseHeaders, body: [UInt8], operation: String?, secret: String? = nil
  ) {
    var reason: String?
    var text: String?
    var retryAfter = headers["Retry-After"].flatMap(Self.retryAfter(header:))
    if let json = try? JSONValue(parsing: body), json["kind"]?.string == "Status" {
      reason = json["reason"]?.string.flatMap { $0.isEmpty ? nil : $0 }
      text = json["message"]?.string
      if retryAfter == nil, let seconds = json["details"]?["retryAfterSeconds"]?.int, seconds > 0 {
        retryAfter = .seconds(seconds)
      }
    } else {
      text = String(decoding: body, as: UTF8.self)
    }
    var message = Self.trimmed(text ?? "")
    if message.isEmpty { message = "HTTP \(status) with an empty body" }
    if let secret, !secret.isEmpty { message = message.replacingOccurrences(of: secret, with: "[redacted]") }
    self.init(
      code: Self.code(status: status, reason: reason), status: status, reason: reason, message: message,
      retryAfter: retryAfter, operation: operation)
  }

  /// Maps a status (and a `Status` reason) to a code.
  static func code(status: Int, reason: String?) -> Code {
    switch status {
    case 400, 422: return .invalid
    case 401: return .unauthorized
    case 403: return .forbidden
    case 404: return .notFound
    case 408, 504: return .timeout
    case 409: return reason == "AlreadyExists" ? .alreadyExists : .conflict
    case 429: return .tooManyRequests
    case 500...599: return .serverError
    default: return .unexpectedResponse
    }
  }

  /// Builds the error for a request that got no complete response.
  init(_ error: HTTPClientError, operation: String) {
    let code: Code
    var message = error.message
    switch error.code {
    case .connect, .send, .receive, .other: code = .transport
    case .timeout: code = .timeout
    case .cancelled: code = .cancelled
    case .tooLarge: code = .unexpectedResponse
    case .tls:
      code = .configuration
      message += "; check the CA (certificate-authority) and client certificate in the cluster configuration"
    case .invalidRequest:
      code = .configuration
      message += "; check the server URL in the cluster configuration"
    }
    self.init(code: code, message: message, operation: operation)
  }

  /// `Retry-After` in delta-seconds; an HTTP date (which Kubernetes never sends) is ignored.
  static func retryAfter(header: String) -> Duration? {
    guard let seconds = Int(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
    return .seconds(seconds)
  }

  private static func trimmed(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.utf8.count > maxMessageBytes else { return trimmed }
    // Cut on a character boundary at most maxMessageBytes into the text.
    var end = trimmed.startIndex
    var bytes = 0
    for index in trimmed.indices {
      bytes += trimmed[index].utf8.count
      if bytes > maxMessageBytes { break }
      end = trimmed.index(after: index)
    }
    return String(trimmed[..<end]) + "… (truncated)"
  }
}
