import Foundation
import HTTPServer

/// An RFC 9457 problem: every error the API returns is one of these, as
/// `application/problem+json`.
public struct Problem: Error, Sendable, Equatable {
  /// One invalid field or parameter.
  public struct FieldError: Sendable, Equatable, Codable {
    public var field: String
    public var message: String
  }

  public var status: Int
  /// A short slug naming the kind of problem; becomes `type: urn:podhop:problem:<slug>`.
  public var slug: String
  public var title: String
  public var detail: String
  public var errors: [FieldError] = []
  /// Extra members, e.g. `activeMigration`.
  public var extensions: [String: String] = [:]
  /// Seconds for the `Retry-After` header (429, 503).
  public var retryAfterSeconds: Int?

  public init(
    status: Int, slug: String, title: String, detail: String, errors: [FieldError] = [], extensions: [String: String] = [:],
    retryAfterSeconds: Int? = nil
  ) {
    self.status = status
    self.slug = slug
    self.title = title
    self.detail = detail
    self.errors = errors
    self.extensions = extensions
    self.retryAfterSeconds = retryAfterSeconds
  }

  /// The response for this problem at `instance` (the request path).
  public func response(instance: String) -> HTTPResponse {
    var object: [String: Any] = [
      "type": "urn:podhop:problem:\(slug)", "title": title, "status": status, "detail": detail, "instance": instance,
    ]
    if !errors.isEmpty { object["errors"] = errors.map { ["field": $0.field, "message": $0.message] } }
    for (key, value) in extensions { object[key] = value }
    let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    var headers = HTTPHeaders([("Content-Type", "application/problem+json")])
    if let retryAfterSeconds { headers.add("Retry-After", String(retryAfterSeconds)) }
    if slug == Problem.unauthenticated.slug { headers.add("WWW-Authenticate", "Bearer realm=\"podhop\"") }
    return HTTPResponse(status: status, headers: headers, body: Array(body))
  }
}

extension Problem {
  static func badRequest(_ detail: String, errors: [FieldError] = []) -> Problem {
    Problem(status: 400, slug: "bad-request", title: "Bad request", detail: detail, errors: errors)
  }
  static let unauthenticated = Problem(
    status: 401, slug: "unauthenticated", title: "Unauthenticated",
    detail: "send a valid token as 'Authorization: Bearer <token>'")
  /// A webhook delivery whose signature or timestamp did not verify; the reason goes to the
  /// audit trail only, so a forger learns nothing.
  static let unverifiedDelivery = Problem(
    status: 401, slug: "unverified-delivery", title: "Unauthenticated", detail: "the delivery could not be verified")
  static func forbidden(_ detail: String) -> Problem {
    Problem(status: 403, slug: "forbidden", title: "Forbidden", detail: detail)
  }
  static func notFound(_ detail: String) -> Problem {
    Problem(status: 404, slug: "not-found", title: "Not found", detail: detail)
  }
  static func methodNotAllowed(_ detail: String) -> Problem {
    Problem(status: 405, slug: "method-not-allowed", title: "Method not allowed", detail: detail)
  }
  static func conflict(_ slug: String, _ detail: String, extensions: [String: String] = [:]) -> Problem {
    Problem(status: 409, slug: slug, title: "Conflict", detail: detail, extensions: extensions)
  }
  static func payloadTooLarge(limit: Int) -> Problem {
    Problem(
      status: 413, slug: "payload-too-large", title: "Payload too large", detail: "request bodies are limited to \(limit) bytes")
  }
  static let unsupportedMediaType = Problem(
    status: 415, slug: "unsupported-media-type", title: "Unsupported media type",
    detail: "send the body as 'Content-Type: application/json'")
  static func invalid(_ detail: String, errors: [FieldError] = []) -> Problem {
    Problem(status: 422, slug: "validation-failed", title: "Validation failed", detail: detail, errors: errors)
  }
  static func tooManyRequests(retryAfter: Int) -> Problem {
    Problem(
      status: 429, slug: "rate-limited", title: "Too many requests",
      detail: "this caller sent too many changing requests; retry after \(retryAfter) s", retryAfterSeconds: retryAfter)
  }
  static func unavailable(_ detail: String, retryAfter: Int) -> Problem {
    Problem(status: 503, slug: "unavailable", title: "Service unavailable", detail: detail, retryAfterSeconds: retryAfter)
  }
  static let internalError = Problem(
    status: 500, slug: "internal", title: "Internal server error",
    detail: "an unexpected error occurred; the server log has the cause")
}
